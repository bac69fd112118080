package io.meshwork.libp2p.api.routing;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds the addresses of a peer by its Peer ID. The host uses it when asked to dial a peer it has no address for.
 * Thread-safe; methods return without blocking.
 */
@ProviderType
public interface PeerRouting {

    /**
     * The addresses of {@code peer} (without {@code /p2p/}; relay circuit addresses included as
     * {@code <relay>/p2p/<relay-id>/p2p-circuit}), from a connection, the peer store or a network lookup. Fails with
     * a {@link RoutingException} if the peer cannot be found.
     */
    CompletionStage<List<Multiaddr>> findPeer(PeerId peer);
}
