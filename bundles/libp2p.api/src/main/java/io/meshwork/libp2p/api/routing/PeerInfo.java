package io.meshwork.libp2p.api.routing;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;

/** A peer and addresses it can be reached at (without {@code /p2p/}). */
public record PeerInfo(PeerId peer, List<Multiaddr> addresses) {

    public PeerInfo {
        addresses = List.copyOf(addresses);
    }
}
