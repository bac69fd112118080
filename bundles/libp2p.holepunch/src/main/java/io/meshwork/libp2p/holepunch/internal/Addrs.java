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

    static boolean isLoopbackOrUnspecified(Multiaddr a) {
        return ip(a).map(ip -> ip.isLoopbackAddress() || ip.isAnyLocalAddress() || ip.isLinkLocalAddress())
                .orElse(true);
    }
}
