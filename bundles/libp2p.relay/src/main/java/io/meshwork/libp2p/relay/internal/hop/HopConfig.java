package io.meshwork.libp2p.relay.internal.hop;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the hop server (PID {@value HopServerComponent#PID}). The defaults suit a relay that is its
 * users' own infrastructure: many reservations, long and large circuits.
 */
@ObjectClassDefinition(name = "libp2p circuit relay v2: hop server", description = "Serves"
        + " /libp2p/circuit/relay/0.2.0/hop: reservations and relayed connections, within these limits. Counts,"
        + " seconds and bytes as named; 0 for a circuit limit means no limit.")
public @interface HopConfig {

    @AttributeDefinition(description = "Serve the hop protocol. Off on desktop nodes; the relay runtime turns it"
            + " on.")
    boolean enabled() default false;

    @AttributeDefinition(description = "Reservations held at once, all peers.")
    int max_reservations() default 10_000;

    @AttributeDefinition(description = "Reservations one peer may hold at once (one per connection).")
    int max_reservations_per_peer() default 4;

    @AttributeDefinition(description = "Reservations peers from one IP address may hold at once.")
    int max_reservations_per_ip() default 32;

    @AttributeDefinition(description = "Reservation lifetime (s); clients refresh before it ends.")
    long reservation_ttl_s() default 3600;

    @AttributeDefinition(description = "Relayed connections (circuits) at once, all peers.")
    int max_circuits() default 1000;

    @AttributeDefinition(description = "Circuits one peer may be source or target of at once.")
    int max_circuits_per_peer() default 16;

    @AttributeDefinition(description = "Lifetime of a circuit (s); 0 = unlimited. Sent to both ends as the limit.")
    long circuit_duration_s() default 3600;

    @AttributeDefinition(description = "Bytes a circuit carries per direction; 0 = unlimited. Sent to both ends.")
    long circuit_data_bytes() default 64L * 1024 * 1024;

    @AttributeDefinition(description = "Bytes written but not yet taken by the receiving side, per circuit"
            + " direction; beyond it the sending side is paused.")
    int splice_buffer_bytes() default 64 * 1024;

    @AttributeDefinition(description = "Time for a client's first message and for the target's answer (ms).")
    long handshake_timeout_ms() default 30_000;

    @AttributeDefinition(description = "Only these peer ids may reserve (empty = everyone).")
    String[] allowed_peers() default {};

    @AttributeDefinition(description = "Addresses put into reservations instead of the listen addresses, e.g."
            + " the public address of a VM behind 1:1 NAT (without /p2p/).")
    String[] announce_addresses() default {};

    @AttributeDefinition(description = "Put private, loopback and link-local listen addresses into reservations"
            + " too (LAN and test setups). Off: only public ones, as go-libp2p does.")
    boolean allow_private_addresses() default false;
}
