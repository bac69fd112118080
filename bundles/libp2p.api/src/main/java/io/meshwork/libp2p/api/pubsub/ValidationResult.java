package io.meshwork.libp2p.api.pubsub;

/** A validator's verdict (GossipSub v1.1 extended validation). */
public enum ValidationResult {
    /** Deliver locally and forward. */
    ACCEPT,
    /** Invalid: drop, and penalise the peer that sent it (peer score P4). */
    REJECT,
    /** Drop without penalty (e.g. a stale but honest message). */
    IGNORE
}
