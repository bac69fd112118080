package io.meshwork.libp2p.holepunch.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of hole punching and reachability (PID {@value HolePunchComponent#PID}). */
@ObjectClassDefinition(name = "libp2p hole punching and reachability", description = "DCUtR (direct connections"
        + " through NATs, coordinated over a relayed connection), AutoNAT v1 client and server, observed addresses.")
public @interface HolePunchConfig {

    @AttributeDefinition(description = "Run DCUtR: upgrade relayed connections to direct ones (both roles).")
    boolean dcutr_enabled() default true;

    @AttributeDefinition(description = "CONNECT/SYNC rounds before giving up (spec: 3).")
    int max_attempts() default 3;

    @AttributeDefinition(description = "Time to open the DCUtR stream and for each of its messages (ms).")
    long stream_timeout_ms() default 60_000;

    @AttributeDefinition(description = "Time for the direct connection to come about after SYNC (ms).")
    long dial_timeout_ms() default 10_000;

    @AttributeDefinition(description = "Wait after a relayed connection arrives before starting DCUtR, so that"
            + " identify has run (ms).")
    long start_delay_ms() default 250;

    @AttributeDefinition(description = "Swap the client/server roles above TCP on the third attempt, on both sides,"
            + " for peers (older go-libp2p) that have them the other way round.")
    boolean swap_roles_on_last_attempt() default true;

    @AttributeDefinition(description = "Connection reversal: before DCUtR's first round, the side that drives it"
            + " dials the peer's public addresses (from identify) directly. Off by default: when those addresses"
            + " are the peer's NAT mapping, the failed reversal dial from our listen port can spoil the punch to the"
            + " same address (docs/protocols/dcutr.md).")
    boolean connection_reversal_enabled() default false;

    @AttributeDefinition(description = "Time for the connection reversal dial before DCUtR's rounds start (ms).")
    long reversal_timeout_ms() default 5_000;

    @AttributeDefinition(description = "Connection reversal also dials the peer's private, CGNAT, unique-local and"
            + " loopback addresses (LANs, tests); off: public addresses only.")
    boolean reversal_private_addresses() default false;

    @AttributeDefinition(description = "Hole punches running at once; more relayed connections wait for none"
            + " and stay relayed.")
    int max_concurrent() default 16;

    @AttributeDefinition(description = "At most this many of the peer's addresses are dialed per attempt.")
    int max_dial_addresses() default 8;

    @AttributeDefinition(description = "Answer AutoNAT dial-back requests (the relay runtime turns this on).")
    boolean autonat_server_enabled() default false;

    @AttributeDefinition(description = "Ask connected AutoNAT servers to dial us back, to learn our reachability.")
    boolean autonat_client_enabled() default true;

    @AttributeDefinition(description = "First AutoNAT check after start (ms).")
    long autonat_boot_delay_ms() default 5_000;

    @AttributeDefinition(description = "Interval between AutoNAT checks (ms).")
    long autonat_interval_ms() default 60_000;

    @AttributeDefinition(description = "Servers asked per AutoNAT check.")
    int autonat_servers_per_check() default 3;

    @AttributeDefinition(description = "Server: time for one dial-back (ms).")
    long autonat_dial_timeout_ms() default 15_000;

    @AttributeDefinition(description = "Server: dial-back requests answered per throttle interval, all peers.")
    int autonat_throttle_global() default 30;

    @AttributeDefinition(description = "Server: dial-back requests answered per throttle interval, per peer.")
    int autonat_throttle_per_peer() default 3;

    @AttributeDefinition(description = "Server: the throttle interval (ms).")
    long autonat_throttle_interval_ms() default 60_000;

    @AttributeDefinition(description = "Agreeing dial-back answers (of the last 2n-1) that decide public or"
            + " private.")
    int reachability_threshold() default 3;

    @AttributeDefinition(description = "Distinct peers that must have observed an address (identify) before it"
            + " counts as one of our external addresses.")
    int observed_confirmations() default 2;
}
