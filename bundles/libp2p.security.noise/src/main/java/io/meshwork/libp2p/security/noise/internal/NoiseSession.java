package io.meshwork.libp2p.security.noise.internal;

/**
 * The transport phase of a Noise connection: the two {@link CipherState}s from Split(), one per direction, with
 * empty associated data. Each call handles one Noise transport message (one frame body, without the 2-byte
 * length prefix); {@link NoiseFramer} splits and frames longer writes.
 *
 * <p>Once a received message fails to decrypt, the receive direction refuses all further messages: the nonces
 * are out of step and the connection must be closed.
 *
 * <p>Not thread-safe: confined to the connection's event loop. The send and receive directions share no state,
 * so an adapter may drive them from two threads only if each direction stays on one thread.
 */
public final class NoiseSession {

    /** Longest Noise message: the 2-byte length prefix allows no more. */
    public static final int MAX_FRAME_LENGTH = HandshakeState.MAX_MESSAGE_LENGTH;
    /** Tag length appended to every transport message. */
    public static final int TAG_LENGTH = Aead.TAG_LENGTH;
    /** Most plaintext bytes in one transport message. */
    public static final int MAX_PLAINTEXT_LENGTH = MAX_FRAME_LENGTH - TAG_LENGTH;

    private final CipherState sender;
    private final CipherState receiver;
    private final byte[] handshakeHash;
    private final AeadProvider provider;
    private boolean receiveFailed;

    NoiseSession(CipherState sender, CipherState receiver, byte[] handshakeHash, AeadProvider provider) {
        this.sender = sender;
        this.receiver = receiver;
        this.handshakeHash = handshakeHash.clone();
        this.provider = provider;
    }

    /**
     * Encrypts one transport message into {@code out}, which needs {@code len + 16} bytes of room. {@code out} may
     * be {@code in} at the same offset.
     *
     * @param len at most {@link #MAX_PLAINTEXT_LENGTH}
     * @return bytes written: {@code len + 16}
     * @throws IllegalArgumentException if {@code len} exceeds {@link #MAX_PLAINTEXT_LENGTH}
     * @throws NoiseException {@link NoiseException.Reason#NONCE_EXHAUSTED} after 2^64-1 messages
     */
    public int encrypt(byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        if (len > MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("plaintext of " + len + " bytes exceeds the Noise maximum of "
                    + MAX_PLAINTEXT_LENGTH + " per message; NoiseFramer splits longer writes");
        }
        return sender.encrypt(in, inOff, len, out, outOff);
    }

    /**
     * Starts one transport message whose plaintext is given in pieces (at most {@link #MAX_PLAINTEXT_LENGTH} bytes
     * in all): {@link #encryptUpdate} per piece, then {@link #encryptFinish}. The result is what
     * {@link #encrypt(byte[], int, int, byte[], int)} makes of the concatenated pieces.
     *
     * @throws NoiseException {@link NoiseException.Reason#NONCE_EXHAUSTED} after 2^64-1 messages
     */
    public void encryptStart() throws NoiseException {
        sender.encryptStart();
    }

    /**
     * Encrypts the next piece of the message begun with {@link #encryptStart()} into {@code out}, which must not
     * overlap {@code in} and needs room for the rest of the message and the tag.
     *
     * @return bytes written, which may differ from {@code len} (an engine may hold back a partial block)
     */
    public int encryptUpdate(byte[] in, int inOff, int len, byte[] out, int outOff) {
        return sender.encryptUpdate(in, inOff, len, out, outOff);
    }

    /** Ends the message begun with {@link #encryptStart()}; returns bytes written (at least the 16-byte tag). */
    public int encryptFinish(byte[] out, int outOff) {
        return sender.encryptFinish(out, outOff);
    }

    /** Encrypts one transport message into a new array of {@code plaintext.length + 16} bytes. */
    public byte[] encrypt(byte[] plaintext) throws NoiseException {
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        encrypt(plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * Decrypts one transport message (a frame body) into {@code out}, which needs {@code len - 16} bytes of room.
     * {@code out} may be {@code in} at the same offset.
     *
     * @return bytes written: {@code len - 16}
     * @throws NoiseException {@link NoiseException.Reason#FRAME_TOO_LARGE} if {@code len > 65535},
     *     {@link NoiseException.Reason#MALFORMED_MESSAGE} if {@code len < 16},
     *     {@link NoiseException.Reason#DECRYPTION_FAILED} on a bad tag, and
     *     {@link NoiseException.Reason#ILLEGAL_STATE} for any message after such a failure
     */
    public int decrypt(byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        if (receiveFailed) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE,
                    "an earlier transport message failed to decrypt; the connection must be closed");
        }
        if (len > MAX_FRAME_LENGTH) {
            throw new NoiseException(NoiseException.Reason.FRAME_TOO_LARGE, "Noise frame too large: " + len + " > "
                    + MAX_FRAME_LENGTH);
        }
        if (len < TAG_LENGTH) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_MESSAGE, "Noise frame too short: " + len
                    + " < " + TAG_LENGTH + " (the tag alone is 16 bytes)");
        }
        boolean ok = false;
        try {
            int written = receiver.decrypt(in, inOff, len, out, outOff);
            ok = true;
            return written;
        } finally {
            if (!ok) {
                receiveFailed = true;
            }
        }
    }

    /** Decrypts one transport message (a frame body) into a new array. */
    public byte[] decrypt(byte[] frameBody) throws NoiseException {
        return decrypt(frameBody, 0, frameBody.length);
    }

    /** Decrypts one transport message held in {@code in[off, off+len)} into a new array. */
    public byte[] decrypt(byte[] in, int off, int len) throws NoiseException {
        byte[] out = new byte[Math.max(0, len - TAG_LENGTH)];
        decrypt(in, off, len, out, 0);
        return out;
    }

    /** The final Noise handshake hash, a value unique to this session (for channel binding). A copy. */
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    /** The AEAD implementation in use. */
    public AeadProvider aeadProvider() {
        return provider;
    }

    /** Transport messages sent so far (the next send nonce), unsigned. */
    public long messagesSent() {
        return sender.nonce();
    }

    /** Transport messages received so far (the next receive nonce), unsigned. */
    public long messagesReceived() {
        return receiver.nonce();
    }

    CipherState sender() {
        return sender;
    }

    CipherState receiver() {
        return receiver;
    }
}
