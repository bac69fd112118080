/**
 * The pubsub bundle's wiring: the Declarative Services component that provides
 * {@link io.meshwork.libp2p.api.pubsub.PubSub}, the stream handler and connection listener that feed the router,
 * the whiteboard of topic listeners and validators, and the {@code pubsub:*} Gogo commands. Private: the bundle
 * exports nothing.
 */
@NullMarked
package io.meshwork.libp2p.pubsub.internal;

import org.jspecify.annotations.NullMarked;
