package io.meshwork.libp2p.mdns.internal;

import io.meshwork.libp2p.api.multiaddr.Component;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses mDNS advertises and accepts: IP addresses of the local network only. IPv4 private (10/8,
 * 172.16/12, 192.168/16) and link-local (169.254/16); IPv6 unique-local (fc00::/7). Never loopback, unspecified,
 * multicast, public addresses, relay circuits ({@code /p2p-circuit}) or names. IPv6 link-local (fe80::/10) is left
 * out because a multiaddr without a zone cannot be dialed.
 */
public final class LanAddresses {

    private LanAddresses() {
    }

    /** The IP address a multiaddr starts with, if it starts with {@code /ip4} or {@code /ip6}. */
    static Optional<InetAddress> ip(Multiaddr address) {
        List<Component> parts = address.components();
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        Protocol first = parts.get(0).protocol();
        if (first != Protocol.IP4 && first != Protocol.IP6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(parts.get(0).value()));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code ip} is a local-network address as described above. */
    public static boolean isLan(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            byte[] b = ip.getAddress();
            int a0 = b[0] & 0xFF;
            int a1 = b[1] & 0xFF;
            return a0 == 10 || a0 == 172 && (a1 & 0xF0) == 16 || a0 == 192 && a1 == 168
                    || a0 == 169 && a1 == 254;
        }
        if (ip instanceof Inet6Address) {
            return (ip.getAddress()[0] & 0xFE) == 0xFC;
        }
        return false;
    }

    /** Whether {@code address} may be advertised or accepted: a LAN IP address (v4 or v6), and not a relay circuit. */
    public static boolean acceptable(Multiaddr address) {
        if (address.has(Protocol.P2P_CIRCUIT)) {
            return false;
        }
        Optional<InetAddress> ip = ip(address);
        return ip.isPresent() && isLan(ip.get());
    }
}
