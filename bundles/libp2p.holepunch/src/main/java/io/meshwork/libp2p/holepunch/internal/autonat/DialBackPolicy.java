package io.meshwork.libp2p.holepunch.internal.autonat;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Which of a requester's addresses an AutoNAT server dials back: only plain TCP addresses whose IP is the IP the
 * server observed the request coming from (so the server cannot be made to attack a third party), never relay
 * addresses, at most {@value #MAX_DIALS}.
 */
public final class DialBackPolicy {

    public static final int MAX_DIALS = 4;

    private DialBackPolicy() {
    }

    public static List<Multiaddr> select(Multiaddr observed, List<Multiaddr> requested) {
        Optional<InetAddress> ip = observed.has(Protocol.P2P_CIRCUIT) ? Optional.empty()
                : observed.toInetSocketAddress().map(InetSocketAddress::getAddress);
        if (ip.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
        for (Multiaddr a : requested) {
            if (a.has(Protocol.P2P_CIRCUIT) || a.components().size() < 2
                    || a.components().get(1).protocol() != Protocol.TCP) {
                continue;
            }
            Optional<InetSocketAddress> sa = a.toInetSocketAddress();
            if (sa.isPresent() && sa.get().getAddress().equals(ip.get()) && sa.get().getPort() != 0) {
                out.add(a.withoutPeerId());
            }
            if (out.size() >= MAX_DIALS) {
                break;
            }
        }
        return List.copyOf(out);
    }
}
