package io.meshwork.libp2p.api.routing;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Announces that this node provides some content and finds the nodes that provide it. Keys are opaque bytes
 * (libp2p uses the multihash of a CID). Thread-safe; methods return without blocking.
 */
@ProviderType
public interface ContentRouting {

    /**
     * Announces this node as a provider of {@code key} to the nodes closest to it. Completes with the number of
     * nodes that accepted the announcement; fails with a {@link RoutingException} if none did.
     */
    CompletionStage<Integer> provide(byte[] key);

    /** Up to {@code max} providers of {@code key}, with the addresses they announced; empty if none were found. */
    CompletionStage<List<PeerInfo>> findProviders(byte[] key, int max);
}
