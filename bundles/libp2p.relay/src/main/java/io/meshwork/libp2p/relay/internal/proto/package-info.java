/**
 * The Circuit Relay v2 wire model (schema in {@code src/main/proto/circuit.proto}): hop and stop messages, status
 * codes, limits, reservations and vouchers, with a hand-written bounded codec. Plain Java.
 */
@NullMarked
package io.meshwork.libp2p.relay.internal.proto;

import org.jspecify.annotations.NullMarked;
