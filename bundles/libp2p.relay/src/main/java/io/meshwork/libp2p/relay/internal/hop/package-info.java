/**
 * The hop server: reservations and circuits with their limits ({@link ReservationTable}, a pure state machine in
 * caller-supplied time), the protocol handler and its DS component.
 */
@NullMarked
package io.meshwork.libp2p.relay.internal.hop;

import org.jspecify.annotations.NullMarked;
