package io.meshwork.libp2p.api.routing;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Stores signed or self-certifying records under keys of the form {@code /<namespace>/<rest>}. Every record is
 * checked by the {@link RecordValidator} of its namespace on the way in and out; keys of namespaces without a
 * validator are refused. Thread-safe; methods return without blocking.
 */
@ProviderType
public interface ValueStore {

    /**
     * Validates {@code value}, stores it locally and on the nodes closest to {@code key}. Completes with the number
     * of remote nodes that stored it; fails with a {@link RoutingException} if the record is invalid
     * or no remote node accepted it.
     */
    CompletionStage<Integer> put(byte[] key, byte[] value);

    /**
     * The best valid value for {@code key} (chosen by the namespace's {@link RecordValidator#select}) once
     * {@code quorum} nodes (this one included if it holds the record) have answered with a valid value, or once
     * the lookup has run out of nodes to ask. Nodes that answered with an older value are sent the best one. Fails
     * with a {@link RoutingException} if no valid value was found.
     */
    CompletionStage<byte[]> get(byte[] key, int quorum);
}
