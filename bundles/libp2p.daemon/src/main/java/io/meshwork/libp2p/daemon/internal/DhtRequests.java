package io.meshwork.libp2p.daemon.internal;

import io.meshwork.libp2p.daemon.internal.proto.ControlRequest;
import io.meshwork.libp2p.daemon.internal.proto.ControlResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers DHT requests. This build has no Kademlia DHT (the routing API is not there yet), so every DHT request
 * gets a clear ERROR; this is the one place to bind the routing services to later (then it will stream
 * BEGIN/VALUE/END {@code DHTResponse}s for the streaming request types).
 */
final class DhtRequests {

    static final String UNAVAILABLE = "DHT not available in this build";

    CompletionStage<ControlResponse> handle(ControlRequest.Dht request) {
        return CompletableFuture.completedFuture(ControlResponse.error(UNAVAILABLE));
    }
}
