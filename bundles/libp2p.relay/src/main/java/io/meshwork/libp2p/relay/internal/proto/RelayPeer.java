package io.meshwork.libp2p.relay.internal.proto;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;

/** The {@code Peer} message: a peer id and optionally addresses. */
public record RelayPeer(PeerId id, List<Multiaddr> addrs) {

    public RelayPeer {
        addrs = List.copyOf(addrs);
    }

    public static RelayPeer of(PeerId id) {
        return new RelayPeer(id, List.of());
    }
}
