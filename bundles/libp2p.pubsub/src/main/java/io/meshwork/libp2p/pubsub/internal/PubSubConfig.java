package io.meshwork.libp2p.pubsub.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the pubsub router (PID {@value PubSubImpl#PID}); the defaults are GossipSub v1.1's. */
@ObjectClassDefinition(name = "libp2p pubsub (GossipSub)", description = "GossipSub v1.1/v1.2 router with"
        + " floodsub fallback. Timers in milliseconds or seconds as named; limits in bytes or counts.")
public @interface PubSubConfig {

    @AttributeDefinition(description = "Target mesh degree D.")
    int d() default 6;

    @AttributeDefinition(description = "Mesh low watermark D_lo: below it the heartbeat grafts up to D.")
    int d_lo() default 5;

    @AttributeDefinition(description = "Mesh high watermark D_hi: above it the heartbeat prunes down to D.")
    int d_hi() default 12;

    @AttributeDefinition(description = "Mesh peers kept by score when pruning (D_score).")
    int d_score() default 4;

    @AttributeDefinition(description = "Outbound-connection peers kept in each mesh (D_out).")
    int d_out() default 2;

    @AttributeDefinition(description = "Minimum peers gossiped to per topic and heartbeat (D_lazy).")
    int d_lazy() default 6;

    @AttributeDefinition(description = "Fraction of eligible non-mesh peers gossiped to when more than D_lazy.")
    double gossip_factor() default 0.25;

    @AttributeDefinition(description = "Heartbeat interval (ms).")
    long heartbeat_interval_ms() default 1000;

    @AttributeDefinition(description = "Delay of the first heartbeat after start (ms).")
    long heartbeat_initial_delay_ms() default 100;

    @AttributeDefinition(description = "Fanout state of a topic we publish to without subscribing is kept this"
            + " long after the last publication (s).")
    long fanout_ttl_s() default 60;

    @AttributeDefinition(description = "Heartbeats a message stays in the message cache (served to IWANT).")
    int mcache_len() default 5;

    @AttributeDefinition(description = "Heartbeats of the message cache advertised in IHAVE gossip.")
    int mcache_gossip() default 3;

    @AttributeDefinition(description = "Most messages held in the message cache.")
    int mcache_max() default 50_000;

    @AttributeDefinition(description = "How long a message id is remembered as seen (s).")
    long seen_ttl_s() default 120;

    @AttributeDefinition(description = "Most message ids remembered as seen (oldest forgotten first).")
    int seen_cache_max() default 200_000;

    @AttributeDefinition(description = "Backoff after a PRUNE before grafting the peer again (s).")
    long prune_backoff_s() default 60;

    @AttributeDefinition(description = "Backoff sent with the PRUNEs of leaving a topic (s).")
    long unsubscribe_backoff_s() default 10;

    @AttributeDefinition(description = "Peers offered in a PRUNE's peer exchange (0 disables it).")
    int prune_peers() default 16;

    @AttributeDefinition(description = "Send our own messages to every topic peer above the publish threshold"
            + " (not only the mesh).")
    boolean flood_publish() default true;

    @AttributeDefinition(description = "Messages of at least this many bytes trigger IDONTWANT to mesh peers.")
    int idontwant_threshold() default 1024;

    @AttributeDefinition(description = "IDONTWANT ids accepted from one peer per heartbeat.")
    int idontwant_max_ids() default 1000;

    @AttributeDefinition(description = "Largest message payload accepted or published (bytes).")
    int max_message_size() default 1 << 20;

    @AttributeDefinition(description = "Largest RPC accepted on a stream (bytes); larger ones reset the stream."
            + " Must exceed max_message_size by the framing overhead.")
    int max_rpc_size() default (1 << 20) + 64 * 1024;

    @AttributeDefinition(description = "Outgoing RPCs are cut at this many bytes (messages queued together are"
            + " batched into one RPC up to it; a larger single message goes alone). 64 KiB suits every"
            + " implementation, including rust-libp2p's default 64 KiB transmit limit.")
    int rpc_batch_bytes() default 64 * 1024;

    @AttributeDefinition(description = "Publications waiting for the router at most; beyond it publish fails"
            + " at once with a PubSubException instead of queueing without bound.")
    int max_pending_publishes() default 16_384;

    @AttributeDefinition(description = "Message ids asked from one peer per heartbeat, and advertised per IHAVE.")
    int max_ihave_length() default 5000;

    @AttributeDefinition(description = "IHAVE messages accepted from one peer per heartbeat.")
    int max_ihave_messages() default 10;

    @AttributeDefinition(description = "Time a peer has to deliver a message it advertised and we asked for (ms).")
    long iwant_followup_ms() default 3000;

    @AttributeDefinition(description = "Times one message is sent to one peer in answer to IWANT.")
    int gossip_retransmission() default 3;

    @AttributeDefinition(description = "A GRAFT this soon after our PRUNE counts as flooding (ms).")
    long graft_flood_threshold_ms() default 10_000;

    @AttributeDefinition(description = "Heartbeats between opportunistic grafting rounds.")
    int opportunistic_graft_ticks() default 60;

    @AttributeDefinition(description = "Peers grafted per opportunistic grafting round.")
    int opportunistic_graft_peers() default 2;

    @AttributeDefinition(description = "Direct peers (Peer IDs): always sent every message, never meshed, and"
            + " reconnected to. Configure both sides.")
    String[] direct_peers() default {};

    @AttributeDefinition(description = "Heartbeats between reconnection attempts to direct peers.")
    int direct_connect_ticks() default 300;

    @AttributeDefinition(description = "Topics whose messages are unsigned (StrictNoSign; ids are SHA-256 of the"
            + " data). All other topics use StrictSign.")
    String[] strict_no_sign_topics() default {};

    @AttributeDefinition(description = "Message id function of signed topics: from-seqno (the spec's default,"
            + " as go) or sha256-data. Every node of a network must use the same.")
    String message_id() default "from-seqno";

    @AttributeDefinition(description = "Peer scoring (GossipSub v1.1) with the chat network defaults.")
    boolean scoring() default true;

    @AttributeDefinition(description = "Threads verifying message signatures ahead of the router (0: one per"
            + " core).")
    int verify_threads() default 0;

    @AttributeDefinition(description = "Message authors whose Ed25519 key gets a precomputed table (about 480 KiB"
            + " each), which makes verifying their signatures about 3x cheaper; an author gets one on its second"
            + " message, the least recently used loses it. 0: no tables.")
    int signature_key_tables() default 32;

    @AttributeDefinition(description = "Validations in flight at once; messages beyond are dropped (counted).")
    int max_pending_validations() default 1024;

    @AttributeDefinition(description = "A validation not finished within this time counts as IGNORE (ms).")
    long validation_timeout_ms() default 10_000;

    @AttributeDefinition(description = "Topics remembered per peer; further subscriptions are ignored.")
    int max_topics_per_peer() default 1000;

    @AttributeDefinition(description = "Longest topic name (bytes of UTF-8).")
    int max_topic_length() default 1024;

    @AttributeDefinition(description = "Bytes queued to one peer's stream at most; RPCs beyond are dropped"
            + " (counted and logged) instead of buffering without bound.")
    int peer_queue_bytes() default 4 << 20;

    @AttributeDefinition(description = "RPCs read from one peer and waiting for the router at most; beyond it"
            + " reading from that peer pauses (backpressure).")
    int peer_inbound_rpcs() default 64;

    @AttributeDefinition(description = "Messages waiting for local listeners at most; beyond it they are dropped"
            + " (counted and logged).")
    int delivery_queue() default 65_536;

    @AttributeDefinition(description = "Speak only /floodsub/1.0.0 (for floodsub networks). To stop offering"
            + " meshsub to inbound peers too, also set libp2p.protocol=/floodsub/1.0.0 in this configuration.")
    boolean floodsub_only() default false;
}
