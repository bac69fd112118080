package io.meshwork.libp2p.core.internal.host;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "libp2p host", description = "Listen addresses, timeouts and connection limits.")
@interface HostConfig {

    @AttributeDefinition(name = "Listen addresses", description = "Multiaddrs to listen on; tcp port 0 picks a"
            + " free port. /p2p-circuit accepts relayed connections through the relays a circuit relay transport"
            + " (libp2p.relay) has reservations on; without such a transport it is ignored. The relay runtime"
            + " listens on /ip4/0.0.0.0/tcp/4001 and /ip6/::/tcp/4001.")
    String[] listen_addresses() default {"/ip4/0.0.0.0/tcp/0", "/p2p-circuit"};

    @AttributeDefinition(name = "Dial timeout (ms)", description = "Per address: transport connect.")
    long dial_timeout_ms() default 10_000;

    @AttributeDefinition(name = "Upgrade timeout (ms)", description = "Security handshake and muxer negotiation.")
    long upgrade_timeout_ms() default 15_000;

    @AttributeDefinition(name = "Stream negotiation timeout (ms)", description = "multistream-select on a stream.")
    long negotiation_timeout_ms() default 10_000;

    @AttributeDefinition(name = "Happy eyeballs delay (ms)", description = "Stagger between dialing a peer's"
            + " addresses; the first connection wins and the others are closed.")
    long dial_stagger_ms() default 250;

    @AttributeDefinition(name = "Max connections", description = "Inbound connections beyond this are refused.")
    int max_connections() default 1024;

    @AttributeDefinition(name = "Connection low watermark", description = "Above this many connections, idle ones"
            + " (no open streams, older than the grace period) are closed, oldest first, down to this number.")
    int low_watermark() default 768;

    @AttributeDefinition(name = "Pruning grace period (ms)", description = "New connections are never pruned.")
    long prune_grace_ms() default 60_000;

    @AttributeDefinition(name = "Pruning interval (ms)", description = "How often the watermark is checked.")
    long prune_interval_ms() default 30_000;

    @AttributeDefinition(name = "Max connections per peer")
    int max_connections_per_peer() default 4;

    @AttributeDefinition(name = "Max inbound streams per connection",
            description = "Streams being negotiated or open; more are reset.")
    int max_streams_per_connection() default 1024;

    @AttributeDefinition(name = "Relayed connection grace period (ms)", description = "When a peer has a direct"
            + " connection (e.g. after hole punching), its limited relayed connections close after this long; new"
            + " streams use the direct connection at once. Negative: never close them.")
    long limited_close_grace_ms() default 10_000;
}
