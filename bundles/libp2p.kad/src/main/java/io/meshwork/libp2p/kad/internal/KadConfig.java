package io.meshwork.libp2p.kad.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the Kademlia DHT (PID {@value KadComponent#PID}). */
@ObjectClassDefinition(name = "libp2p Kademlia DHT", description = "Peer routing, values and provider records"
        + " over a Kademlia DHT.")
public @interface KadConfig {

    @AttributeDefinition(description = "server: answer DHT requests and join routing tables; client: only ask;"
            + " auto: server while AutoNAT reports public reachability, client otherwise.", options = {
                @Option(label = "auto", value = "auto"), @Option(label = "server", value = "server"),
                @Option(label = "client", value = "client")})
    String mode() default "auto";

    @AttributeDefinition(description = "DHT protocol id: a private network by default; /ipfs/kad/1.0.0 joins"
            + " the public Amino DHT's protocol.")
    String protocol_id() default "/meshwork/kad/1.0.0";

    @AttributeDefinition(description = "Nodes to connect to at start and on every refresh: multiaddrs ending in"
            + " /p2p/<peer-id>.")
    String[] bootstrap_nodes() default {};

    @AttributeDefinition(description = "Bucket size and replication factor k.")
    int k() default 20;

    @AttributeDefinition(description = "Requests in flight per lookup (alpha).")
    int alpha() default 10;

    @AttributeDefinition(description = "Time for a peer's answer to one DHT request (ms).")
    long request_timeout_ms() default 10_000;

    @AttributeDefinition(description = "Records stored for other peers, at most.")
    int max_records() default 10_000;

    @AttributeDefinition(description = "Bytes of records (keys and values) stored for other peers, at most.")
    long max_record_bytes() default 16L * 1024 * 1024;

    @AttributeDefinition(description = "Age after which a stored record is dropped (ms); publishers re-put.")
    long record_ttl_ms() default 48L * 3600_000;

    @AttributeDefinition(description = "Provider records stored, at most.")
    int max_provider_records() default 100_000;

    @AttributeDefinition(description = "Lifetime of a provider record (ms); providers re-announce before.")
    long provider_ttl_ms() default 48L * 3600_000;

    @AttributeDefinition(description = "Interval of routing table refresh and bootstrap reconnection (ms).")
    long refresh_interval_ms() default 600_000;

    @AttributeDefinition(description = "Requests in flight on one inbound stream, at most; more reset it.")
    int max_requests_per_stream() default 16;
}
