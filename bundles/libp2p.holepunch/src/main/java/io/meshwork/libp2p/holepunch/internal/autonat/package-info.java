/**
 * AutoNAT v1: the server's request checks and throttle, and the client's reachability verdict
 * ({@link io.meshwork.libp2p.holepunch.internal.autonat.ReachabilityTracker}), as plain Java with caller-supplied
 * time; the stream plumbing is in {@link io.meshwork.libp2p.holepunch.internal.autonat.AutoNat}.
 */
@NullMarked
package io.meshwork.libp2p.holepunch.internal.autonat;

import org.jspecify.annotations.NullMarked;
