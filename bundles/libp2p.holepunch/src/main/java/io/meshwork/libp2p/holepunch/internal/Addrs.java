package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Address predicates for hole punching and dial-backs. */
final class Addrs {

    private Addrs() {
    }

    /** A plain {@code /ip4|ip6/.../tcp/...} address (no relay hop), the only kind DCUtR can punch here. */
    static boolean isDirectTcp(Multiaddr a) {
        if (a.has(Protocol.P2P_CIRCUIT) || a.components().size() < 2) {
            return false;
        }
        Protocol first = a.components().get(0).protocol();
        return (first == Protocol.IP4 || first == Protocol.IP6) && a.components().get(1).protocol() == Protocol.TCP;
    }

    static Optional<InetAddress> ip(Multiaddr a) {
        return a.toInetSocketAddress().map(InetSocketAddress::getAddress);
    }

    /**
     * Whether the address may be reachable from the internet: not loopback, wildcard, link-local, private (RFC 1918),
     * shared (CGNAT, 100.64.0.0/10), unique-local (fc00::/7) or multicast. Unparsable: false.
     */
    static boolean isPublic(Multiaddr a) {
        return ip(a).map(ip -> {
            if (ip.isLoopbackAddress() || ip.isAnyLocalAddress() || ip.isLinkLocalAddress() || ip.isSiteLocalAddress()
                    || ip.isMulticastAddress()) {
                return false;
            }
            byte[] b = ip.getAddress();
            if (b.length == 4) {
                return !((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64);
            }
            return (b[0] & 0xfe) != 0xfc;
        }).orElse(false);
    }

    static boolean isLoopbackOrUnspecified(Multiaddr a) {
        return ip(a).map(ip -> ip.isLoopbackAddress() || ip.isAnyLocalAddress() || ip.isLinkLocalAddress())
                .orElse(true);
    }
}
