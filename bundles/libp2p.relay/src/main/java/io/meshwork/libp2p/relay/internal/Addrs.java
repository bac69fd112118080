package io.meshwork.libp2p.relay.internal;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Address classification for reservations. */
public final class Addrs {

    private Addrs() {
    }

    /**
     * True for an IP address reachable from the internet: not unspecified, loopback, link-local, private
     * (RFC 1918), shared (100.64/10, carrier-grade NAT), unique-local (fc00::/7) or multicast. Addresses without an
     * IP (DNS names) count as public.
     */
    public static boolean isPublic(Multiaddr address) {
        Optional<InetSocketAddress> socket = address.toInetSocketAddress();
        if (socket.isEmpty()) {
            return !address.has(io.meshwork.libp2p.api.multiaddr.Protocol.P2P_CIRCUIT);
        }
        InetAddress ip = socket.get().getAddress();
        if (ip == null || ip.isAnyLocalAddress() || ip.isLoopbackAddress() || ip.isLinkLocalAddress()
                || ip.isSiteLocalAddress() || ip.isMulticastAddress()) {
            return false;
        }
        byte[] b = ip.getAddress();
        if (ip instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc;
        }
        return !((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64);
    }

    /** The IP of a connection's remote address for per-IP limits, or the whole address if it has none. */
    public static String ipOf(Multiaddr address) {
        return address.toInetSocketAddress().map(s -> s.getAddress().getHostAddress()).orElse(address.toString());
    }
}
