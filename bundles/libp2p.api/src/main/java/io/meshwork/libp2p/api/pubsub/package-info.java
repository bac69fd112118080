/**
 * Publish/subscribe over libp2p (GossipSub, with floodsub as fallback): subscribe to topics, publish to them,
 * validate what arrives.
 *
 * <p>Two ways to use it. Imperatively, through the {@link io.meshwork.libp2p.api.pubsub.PubSub} service
 * ({@code subscribe} returns a {@link io.meshwork.libp2p.api.pubsub.Subscription} handle). Or as a whiteboard:
 * register a {@link io.meshwork.libp2p.api.pubsub.TopicListener} or
 * {@link io.meshwork.libp2p.api.pubsub.TopicValidator} service with the {@value
 * io.meshwork.libp2p.api.pubsub.PubSub#TOPIC} property and the pubsub bundle subscribes (and validates) on its
 * behalf for as long as both services exist; this survives restarts of either bundle without code in the consumer.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.pubsub;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
