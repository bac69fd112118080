/**
 * The relay client: the {@code /p2p-circuit} transport (dialing through a relay, accepting STOP), and the
 * {@link ReservationKeeper}, a pure state machine in caller-supplied time that keeps reservations on the configured
 * relays.
 */
@NullMarked
package io.meshwork.libp2p.relay.internal.client;

import org.jspecify.annotations.NullMarked;
