package io.meshwork.libp2p.pubsub.internal.score;

/**
 * Why the router dropped a message, as far as scoring cares. Decides who, if anyone, is charged an invalid
 * message delivery (P4) and what happens to the message's delivery record.
 */
public enum RejectReason {

    /** The signature did not verify. P4 for the sender; no delivery record (the id may be forged). */
    INVALID_SIGNATURE,

    /** StrictSign topic, message unsigned. P4 for the sender; no delivery record. */
    MISSING_SIGNATURE,

    /** StrictNoSign topic, message carries author, seqno, key or signature. P4 for the sender; no record. */
    UNEXPECTED_AUTH_INFO,

    /** Claims to be authored by us but arrived from someone else. P4 for the sender; no record. */
    SELF_ORIGIN,

    /**
     * A validator (or a structural check such as the size limit) rejected the message. P4 for the sender and for
     * every peer that sent a duplicate while it was being validated; later duplicates are charged too.
     */
    VALIDATION_REJECTED,

    /** A validator said IGNORE (or timed out). No penalty; duplicates are not credited either. */
    VALIDATION_IGNORED,

    /** Dropped because too many validations were in flight. No penalty: we never learned if it was valid. */
    VALIDATION_THROTTLED,

    /**
     * Dropped before it entered the validation pipeline (not even the id is trusted yet). No penalty and no
     * delivery record.
     */
    VALIDATION_QUEUE_FULL;

    /** Whether the sender alone is charged, without touching the message's delivery record. */
    boolean chargesSenderOnly() {
        return this == INVALID_SIGNATURE || this == MISSING_SIGNATURE || this == UNEXPECTED_AUTH_INFO
                || this == SELF_ORIGIN;
    }
}
