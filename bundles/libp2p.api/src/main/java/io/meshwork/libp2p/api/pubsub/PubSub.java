package io.meshwork.libp2p.api.pubsub;

import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's publish/subscribe router (one per framework). Thread-safe; no method blocks.
 *
 * <p>Delivery is at-most-once per subscriber per message: duplicates arriving over several paths are dropped by
 * message id, and messages that a validator rejects or ignores are neither delivered nor forwarded.
 */
@ProviderType
public interface PubSub {

    /**
     * Service property of whiteboard {@link TopicListener} and {@link TopicValidator} services: the topic (a
     * String, or String[] for several).
     */
    String TOPIC = "pubsub.topic";

    /**
     * Subscribes {@code listener} to {@code topic}. The node joins the topic's mesh with its first subscription
     * and leaves it when the last one is closed. Messages published by this node itself are delivered to local
     * subscribers too.
     *
     * @throws IllegalArgumentException if the topic is empty or longer than the configured limit
     */
    Subscription subscribe(String topic, TopicListener listener);

    /**
     * Publishes {@code data} on {@code topic}, signed with the node's identity key unless the topic is configured
     * for unsigned messages. Subscribing is not needed to publish. The stage completes with the message id once
     * the message has been queued to the peers chosen for it (possibly none: publishing to a topic without known
     * peers is not an error; {@link PublishResult#peers()} says how many). It fails with
     * {@link PubSubException} if the message is larger than the configured maximum or a local validator
     * rejects it.
     */
    CompletionStage<PublishResult> publish(String topic, byte[] data);

    /**
     * Adds a validator for {@code topic}; every message on the topic (received or published here) must be
     * accepted by all of the topic's validators before it is delivered or forwarded. Close the returned handle to
     * remove it.
     */
    AutoCloseable addValidator(String topic, TopicValidator validator);

    /** Topics this node is subscribed to. */
    Set<String> topics();

    /** Connected peers that have announced a subscription to {@code topic}. */
    List<PeerId> peers(String topic);

    /** Connected peers that speak a pubsub protocol, with the protocol each negotiated. */
    List<PubSubPeer> peers();
}
