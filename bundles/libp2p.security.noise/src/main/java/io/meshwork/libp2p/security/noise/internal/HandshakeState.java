package io.meshwork.libp2p.security.noise.internal;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Noise {@code HandshakeState} (revision 34, section 5.3) for exactly one protocol,
 * {@code Noise_XX_25519_ChaChaPoly_SHA256}:
 *
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * The three messages are written out token by token rather than interpreted from a pattern table, which keeps
 * the one pattern libp2p uses easy to audit. Local key pairs are passed in, so tests can use fixed keys.
 *
 * <p>Any failure moves the state to failed, after which every call throws: Noise handshakes cannot resume.
 *
 * <p>Not thread-safe: confined to the thread that runs the connection.
 */
final class HandshakeState {

    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    /** Longest Noise message (handshake or transport). */
    static final int MAX_MESSAGE_LENGTH = 65535;

    private static final int DH_LENGTH = X25519KeyPair.KEY_LENGTH;
    private static final int TAG_LENGTH = Aead.TAG_LENGTH;
    private static final int MESSAGE_COUNT = 3;

    /** The two transport cipher states of one side, after Split(). */
    record TransportCiphers(CipherState sender, CipherState receiver, byte[] handshakeHash) {
    }

    private final boolean initiator;
    private final SymmetricState symmetric;
    private final X25519KeyPair s;
    private final X25519KeyPair e;
    private byte @Nullable [] re;
    private byte @Nullable [] rs;
    /** Index of the next message of the pattern, 0 to 3; 3 = complete. */
    private int next;
    private boolean failed;
    private boolean split;

    /**
     * Initialize(): XX has no pre-messages, so only the prologue is mixed in.
     *
     * @param initiator whether this side sends the first message
     * @param prologue data both sides must agree on; empty for libp2p over TCP
     * @param localStatic this side's static key pair {@code s}
     * @param localEphemeral this side's ephemeral key pair {@code e}; fresh for every handshake
     * @param provider the AEAD implementation for the handshake and the transport
     */
    HandshakeState(boolean initiator, byte[] prologue, X25519KeyPair localStatic, X25519KeyPair localEphemeral,
            AeadProvider provider) {
        this.initiator = initiator;
        this.symmetric = new SymmetricState(PROTOCOL_NAME, provider);
        this.s = localStatic;
        this.e = localEphemeral;
        symmetric.mixHash(prologue);
    }

    /** Whether all three messages were written or read. */
    boolean isComplete() {
        return next == MESSAGE_COUNT && !failed;
    }

    /** Index of the next message of the pattern: 0, 1 or 2, or 3 once complete. */
    int nextMessage() {
        return next;
    }

    /** Whether it is this side's turn to write (as opposed to read). */
    boolean isMyTurn() {
        return (next % 2 == 0) == initiator;
    }

    /** The remote static public key (a copy), once the message carrying it was read. */
    byte @Nullable [] remoteStaticKey() {
        byte[] key = rs;
        return key == null ? null : key.clone();
    }

    /**
     * WriteMessage(payload): the next message of this side.
     *
     * @throws NoiseException {@link NoiseException.Reason#ILLEGAL_STATE} if it is not this side's turn or the
     *     handshake failed or finished
     * @throws IllegalArgumentException if the message would exceed 65535 bytes
     */
    byte[] writeMessage(byte[] payload) throws NoiseException {
        checkUsable();
        if (!isMyTurn()) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "handshake message " + (next + 1)
                    + " must be read, not written, by the " + roleName());
        }
        int overhead = overheadOf(next);
        if (overhead + payload.length > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("handshake payload of " + payload.length
                    + " bytes makes message " + (next + 1) + " longer than " + MAX_MESSAGE_LENGTH + " bytes");
        }
        boolean ok = false;
        try {
            byte[] message = switch (next) {
                case 0 -> writeFirst(payload);
                case 1 -> writeSecond(payload);
                default -> writeThird(payload);
            };
            next++;
            ok = true;
            return message;
        } finally {
            if (!ok) {
                destroy();
            }
        }
    }

    /**
     * ReadMessage(message): processes the remote's next message and returns its payload.
     *
     * @throws NoiseException if the message is too long or too short, a key is invalid, or a tag does not verify
     */
    byte[] readMessage(byte[] message) throws NoiseException {
        checkUsable();
        if (isMyTurn()) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "handshake message " + (next + 1)
                    + " must be written, not read, by the " + roleName());
        }
        boolean ok = false;
        try {
            if (message.length > MAX_MESSAGE_LENGTH) {
                throw new NoiseException(NoiseException.Reason.FRAME_TOO_LARGE, "handshake message " + (next + 1)
                        + " too large: " + message.length + " > " + MAX_MESSAGE_LENGTH);
            }
            int minimum = overheadOf(next);
            if (message.length < minimum) {
                throw new NoiseException(NoiseException.Reason.MALFORMED_MESSAGE, "handshake message " + (next + 1)
                        + " too short: " + message.length + " < " + minimum + " bytes");
            }
            byte[] payload = switch (next) {
                case 0 -> readFirst(message);
                case 1 -> readSecond(message);
                default -> readThird(message);
            };
            next++;
            ok = true;
            return payload;
        } finally {
            if (!ok) {
                destroy();
            }
        }
    }

    /**
     * Split(): the transport ciphers of this side, once the handshake is complete. The ephemeral private key is
     * wiped. May be called once.
     */
    TransportCiphers split() throws NoiseException {
        if (!isComplete() || split) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE,
                    split ? "handshake was already split" : "handshake is not complete");
        }
        split = true;
        byte[] hash = symmetric.handshakeHash();
        CipherState[] pair = initiator
                ? symmetric.split("transport send", "transport receive")
                : symmetric.split("transport receive", "transport send");
        e.destroy();
        return initiator
                ? new TransportCiphers(pair[0], pair[1], hash)
                : new TransportCiphers(pair[1], pair[0], hash);
    }

    /** Abandons the handshake: wipes the ephemeral private key; every later call fails. */
    void destroy() {
        failed = true;
        e.destroy();
    }

    /** The handshake hash {@code h} so far (a copy). */
    byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    // -> e
    private byte[] writeFirst(byte[] payload) throws NoiseException {
        byte[] ePub = e.publicKeyView();
        symmetric.mixHash(ePub);
        byte[] body = symmetric.encryptAndHash(payload);
        return concat(ePub, body);
    }

    private byte[] readFirst(byte[] message) throws NoiseException {
        re = Arrays.copyOfRange(message, 0, DH_LENGTH);
        symmetric.mixHash(message, 0, DH_LENGTH);
        return decrypt(message, DH_LENGTH, message.length - DH_LENGTH, "payload");
    }

    // <- e, ee, s, es
    private byte[] writeSecond(byte[] payload) throws NoiseException {
        byte[] ePub = e.publicKeyView();
        symmetric.mixHash(ePub);
        symmetric.mixKey(e.dh(remoteEphemeral(), "ephemeral"));
        byte[] encryptedStatic = symmetric.encryptAndHash(s.publicKeyView());
        symmetric.mixKey(s.dh(remoteEphemeral(), "ephemeral"));
        byte[] body = symmetric.encryptAndHash(payload);
        return concat(ePub, concat(encryptedStatic, body));
    }

    private byte[] readSecond(byte[] message) throws NoiseException {
        byte[] remoteEphemeral = Arrays.copyOfRange(message, 0, DH_LENGTH);
        re = remoteEphemeral;
        symmetric.mixHash(remoteEphemeral);
        symmetric.mixKey(e.dh(remoteEphemeral, "ephemeral"));
        byte[] remoteStatic = decrypt(message, DH_LENGTH, DH_LENGTH + TAG_LENGTH, "remote static key");
        rs = remoteStatic;
        symmetric.mixKey(e.dh(remoteStatic, "static"));
        int offset = 2 * DH_LENGTH + TAG_LENGTH;
        return decrypt(message, offset, message.length - offset, "payload");
    }

    // -> s, se
    private byte[] writeThird(byte[] payload) throws NoiseException {
        byte[] encryptedStatic = symmetric.encryptAndHash(s.publicKeyView());
        symmetric.mixKey(s.dh(remoteEphemeral(), "ephemeral"));
        byte[] body = symmetric.encryptAndHash(payload);
        return concat(encryptedStatic, body);
    }

    private byte[] readThird(byte[] message) throws NoiseException {
        byte[] remoteStatic = decrypt(message, 0, DH_LENGTH + TAG_LENGTH, "remote static key");
        rs = remoteStatic;
        symmetric.mixKey(e.dh(remoteStatic, "static"));
        int offset = DH_LENGTH + TAG_LENGTH;
        return decrypt(message, offset, message.length - offset, "payload");
    }

    private byte[] decrypt(byte[] message, int off, int len, String what) throws NoiseException {
        try {
            return symmetric.decryptAndHash(message, off, len);
        } catch (NoiseException failure) {
            throw new NoiseException(failure.reason(), "handshake message " + (next + 1) + ", " + what + ": "
                    + failure.getMessage(), failure);
        }
    }

    /** Bytes of message {@code index} besides the payload; the payload's tag counts once a key exists. */
    private static int overheadOf(int index) {
        return switch (index) {
            case 0 -> DH_LENGTH;
            case 1 -> DH_LENGTH + DH_LENGTH + TAG_LENGTH + TAG_LENGTH;
            default -> DH_LENGTH + TAG_LENGTH + TAG_LENGTH;
        };
    }

    private void checkUsable() throws NoiseException {
        if (failed) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "handshake already failed");
        }
        if (next == MESSAGE_COUNT) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "handshake already complete");
        }
    }

    private String roleName() {
        return initiator ? "initiator" : "responder";
    }

    private byte[] remoteEphemeral() {
        byte[] key = re;
        if (key == null) {
            throw new IllegalStateException("remote ephemeral key missing; messages out of order");
        }
        return key;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
