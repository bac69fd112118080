package io.meshwork.libp2p.security.noise.internal;

/**
 * A Noise handshake or transport message was rejected. The connection it came from must be closed: Noise has no
 * way to recover from a rejected message (its nonces are out of step from then on).
 *
 * <p>The {@link #reason()} tells the kind of failure for metrics and tests; the message tells the detail.
 */
public final class NoiseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Reason {
        /** A frame or message is longer than Noise allows (65535 bytes). */
        FRAME_TOO_LARGE,
        /** A handshake or transport message is too short or otherwise not shaped as the pattern requires. */
        MALFORMED_MESSAGE,
        /** An AEAD tag did not verify: the message was altered, or the peers disagree about keys. */
        DECRYPTION_FAILED,
        /** The remote sent an X25519 public key that gives an all-zero shared secret (a low-order point). */
        INVALID_REMOTE_KEY,
        /** The remote handshake payload is not a valid {@code NoiseHandshakePayload}. */
        MALFORMED_PAYLOAD,
        /** The remote identity signature over its Noise static key does not verify. */
        INVALID_SIGNATURE,
        /** The remote peer is not the peer that was dialed. */
        PEER_ID_MISMATCH,
        /** Both sides offered stream muxers in the handshake but none is common. */
        NO_COMMON_MUXER,
        /** A method was called in a state that does not allow it (e.g. a message after completion). */
        ILLEGAL_STATE,
        /** 2^64 - 1 messages were sent or received with one key; the connection must be replaced. */
        NONCE_EXHAUSTED
    }

    private final Reason reason;

    /**
     * @param reason the kind of failure
     * @param message what was wrong, naming the offending values
     */
    public NoiseException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * @param reason the kind of failure
     * @param message what was wrong, naming the offending values
     * @param cause the lower-level failure that revealed it
     */
    public NoiseException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }
}
