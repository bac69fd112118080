/**
 * GossipSub v1.1 peer scoring (P1–P7, decay, thresholds). Plain Java with an injected clock; not thread-safe
 * (the router calls it from its own thread only).
 */
@NullMarked
package io.meshwork.libp2p.pubsub.internal.score;

import org.jspecify.annotations.NullMarked;
