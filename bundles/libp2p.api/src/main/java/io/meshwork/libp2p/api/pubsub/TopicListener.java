package io.meshwork.libp2p.api.pubsub;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the validated messages of a topic. Used with {@link PubSub#subscribe} or registered as a whiteboard
 * service with the {@value PubSub#TOPIC} property. Calls for one listener are serial, in arrival order, on a
 * thread of the pubsub bundle; a listener must not block for long (hand slow work to your own executor). A
 * listener that throws is logged and keeps receiving.
 */
@ConsumerType
@FunctionalInterface
public interface TopicListener {

    void onMessage(PubSubMessage message);
}
