/**
 * DCUtR as pure state machines: {@link io.meshwork.libp2p.holepunch.internal.dcutr.DcutrInitiator} (the inbound
 * side of a relayed connection, which drives the protocol) and
 * {@link io.meshwork.libp2p.holepunch.internal.dcutr.DcutrResponder}, in caller-supplied time
 * ({@link java.time.Clock} and {@link io.meshwork.libp2p.holepunch.internal.dcutr.Scheduler}); streams and dials
 * are behind small interfaces, so that tests run them in virtual time.
 */
@NullMarked
package io.meshwork.libp2p.holepunch.internal.dcutr;

import org.jspecify.annotations.NullMarked;
