/**
 * The GossipSub / floodsub router: a single-threaded state machine driven by RPCs, peer events, publications and
 * heartbeats, with an injected clock so every timer is testable in virtual time. Plain Java: no Netty, no OSGi.
 */
@NullMarked
package io.meshwork.libp2p.pubsub.internal.router;

import org.jspecify.annotations.NullMarked;
