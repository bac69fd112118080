/**
 * The hole punching bundle: the DS component ({@link io.meshwork.libp2p.holepunch.internal.HolePunchComponent}),
 * its configuration, and the glue between the host and the pure protocol state machines in {@code dcutr} and
 * {@code autonat}.
 */
@NullMarked
package io.meshwork.libp2p.holepunch.internal;

import org.jspecify.annotations.NullMarked;
