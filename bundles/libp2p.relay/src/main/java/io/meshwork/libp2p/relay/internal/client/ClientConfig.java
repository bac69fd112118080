package io.meshwork.libp2p.relay.internal.client;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the relay client (PID {@value RelayClientComponent#PID}). */
@ObjectClassDefinition(name = "libp2p circuit relay v2: client", description = "Dials /p2p-circuit addresses,"
        + " accepts relayed connections, and keeps reservations on the configured relays.")
public @interface ClientConfig {

    @AttributeDefinition(description = "Relays to keep a reservation on: multiaddrs ending in /p2p/<relay-id>.")
    String[] relays() default {};

    @AttributeDefinition(description = "Time for a relay's answer to RESERVE or CONNECT, and for the STOP request"
            + " of an incoming circuit (ms).")
    long handshake_timeout_ms() default 10_000;

    @AttributeDefinition(description = "First wait after losing a relay or failing to reach it (ms); doubles per"
            + " failure up to the maximum, each wait scaled by a random factor in [0.5, 1).")
    long backoff_initial_ms() default 1000;

    @AttributeDefinition(description = "Longest wait between attempts to reach a relay (ms).")
    long backoff_max_ms() default 4000;

    @AttributeDefinition(description = "Wait after a relay refused the reservation (ms).")
    long refused_backoff_ms() default 60_000;
}
