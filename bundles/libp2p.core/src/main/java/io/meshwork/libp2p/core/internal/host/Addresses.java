package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Address helpers: a wildcard listen address stands for every interface address of its family. */
final class Addresses {

    private Addresses() {
    }

    /** {@code /ip4/0.0.0.0/tcp/4001} → one address per IPv4 interface address (loopback first). */
    static List<Multiaddr> expand(Multiaddr listen) {
        Optional<InetSocketAddress> socket = listen.toInetSocketAddress();
        if (socket.isEmpty() || !socket.get().getAddress().isAnyLocalAddress()) {
            return List.of(listen);
        }
        boolean v6 = socket.get().getAddress() instanceof Inet6Address;
        Protocol transport = listen.has(Protocol.UDP) ? Protocol.UDP : Protocol.TCP;
        List<Multiaddr> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (v6 ? !(a instanceof Inet6Address) || a.isLinkLocalAddress() : !(a instanceof Inet4Address)) {
                        continue;
                    }
                    // Without the interface scope (/ip6zone): peers cannot use it.
                    InetAddress plain = InetAddress.getByAddress(a.getAddress());
                    Multiaddr m = Multiaddr.fromInetSocketAddress(new InetSocketAddress(plain, socket.get().getPort()),
                            transport);
                    if (a.isLoopbackAddress()) {
                        out.add(0, m);
                    } else {
                        out.add(m);
                    }
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            return List.of(listen);
        }
        return out.isEmpty() ? List.of(listen) : out;
    }
}
