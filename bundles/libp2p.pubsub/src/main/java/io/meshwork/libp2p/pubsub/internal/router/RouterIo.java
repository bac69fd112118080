package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.ValidationResult;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** What the router needs from the world. Called on the router's thread; implementations must not block. */
public interface RouterIo {

    /** Queues {@code rpc} to {@code peer} (the network adapter frames it and bounds the peer's queue). */
    void send(PeerId peer, Rpc rpc);

    /** Hands a validated message to the local subscribers of its topic. */
    void deliver(PubSubMessage message);

    /**
     * Runs the topic's validators. Null means there are none (accept at once, without a hop); otherwise the stage
     * completes with the combined verdict, on any thread.
     */
    @Nullable CompletionStage<ValidationResult> validate(PubSubMessage message);

    /** Peer exchange or a direct peer: connect to {@code peer}, using its signed peer record if given. */
    void connect(PeerId peer, byte @Nullable [] signedPeerRecord);

    /** The peer's signed peer record (marshalled envelope) for peer exchange, if known. */
    byte @Nullable [] signedPeerRecord(PeerId peer);
}
