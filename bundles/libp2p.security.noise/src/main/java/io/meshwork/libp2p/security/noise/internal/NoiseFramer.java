package io.meshwork.libp2p.security.noise.internal;

import java.io.ByteArrayOutputStream;

/**
 * The libp2p Noise wire framing: every Noise message, handshake or transport, travels as a 2-byte big-endian
 * length followed by that many bytes, at most 65535. Helpers to frame handshake messages, to encrypt any amount of
 * plaintext into as many transport frames as it needs (65519 plaintext bytes each), and to decrypt a buffer of
 * complete frames.
 *
 * <p>Stateless; thread-safe itself, but the {@link NoiseSession} passed in is not.
 */
public final class NoiseFramer {

    /** Bytes of the length prefix. */
    public static final int LENGTH_PREFIX = 2;
    /** Longest frame body. */
    public static final int MAX_FRAME_LENGTH = NoiseSession.MAX_FRAME_LENGTH;

    private NoiseFramer() {
    }

    /** The length prefix followed by {@code body}. */
    public static byte[] frame(byte[] body) {
        byte[] out = new byte[LENGTH_PREFIX + body.length];
        writeLength(body.length, out, 0);
        System.arraycopy(body, 0, out, LENGTH_PREFIX, body.length);
        return out;
    }

    /**
     * Writes a 2-byte big-endian frame length.
     *
     * @throws IllegalArgumentException if {@code length} is negative or above 65535
     */
    public static void writeLength(int length, byte[] out, int off) {
        if (length < 0 || length > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("Noise frame too large: " + length + " > " + MAX_FRAME_LENGTH);
        }
        out[off] = (byte) (length >>> 8);
        out[off + 1] = (byte) length;
    }

    /** Reads a 2-byte big-endian frame length (0 to 65535). */
    public static int readLength(byte[] in, int off) {
        return (in[off] & 0xff) << 8 | (in[off + 1] & 0xff);
    }

    /** Number of transport frames {@code plaintextLength} bytes take; zero bytes take none. */
    public static int frameCount(int plaintextLength) {
        return (plaintextLength + NoiseSession.MAX_PLAINTEXT_LENGTH - 1) / NoiseSession.MAX_PLAINTEXT_LENGTH;
    }

    /** Wire bytes (prefixes, ciphertext and tags) that {@code plaintextLength} bytes of plaintext become. */
    public static int wireLength(int plaintextLength) {
        return plaintextLength + frameCount(plaintextLength) * (LENGTH_PREFIX + NoiseSession.TAG_LENGTH);
    }

    /**
     * Encrypts {@code len} bytes into consecutive frames in {@code out}, which needs {@link #wireLength(int)}
     * bytes of room from {@code outOff}. {@code out} must not overlap {@code in}.
     *
     * @return bytes written
     */
    public static int encrypt(NoiseSession session, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws NoiseException {
        int read = 0;
        int written = 0;
        while (read < len) {
            int chunk = Math.min(len - read, NoiseSession.MAX_PLAINTEXT_LENGTH);
            int body = session.encrypt(in, inOff + read, chunk, out, outOff + written + LENGTH_PREFIX);
            writeLength(body, out, outOff + written);
            written += LENGTH_PREFIX + body;
            read += chunk;
        }
        return written;
    }

    /** Encrypts {@code len} bytes into a new array of consecutive frames. */
    public static byte[] encrypt(NoiseSession session, byte[] in, int inOff, int len) throws NoiseException {
        byte[] out = new byte[wireLength(len)];
        encrypt(session, in, inOff, len, out, 0);
        return out;
    }

    /**
     * Decrypts a buffer that holds whole frames only and returns the concatenated plaintext.
     *
     * @throws NoiseException {@link NoiseException.Reason#MALFORMED_MESSAGE} if the buffer ends inside a frame,
     *     or any failure of {@link NoiseSession#decrypt(byte[], int, int, byte[], int)}
     */
    public static byte[] decryptFrames(NoiseSession session, byte[] wire, int off, int len) throws NoiseException {
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream(Math.max(0, len - LENGTH_PREFIX
                - NoiseSession.TAG_LENGTH));
        byte[] scratch = new byte[NoiseSession.MAX_PLAINTEXT_LENGTH];
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < LENGTH_PREFIX) {
                throw new NoiseException(NoiseException.Reason.MALFORMED_MESSAGE, "buffer ends inside a frame"
                        + " length prefix at offset " + (pos - off));
            }
            int body = readLength(wire, pos);
            pos += LENGTH_PREFIX;
            if (end - pos < body) {
                throw new NoiseException(NoiseException.Reason.MALFORMED_MESSAGE, "frame of " + body
                        + " bytes at offset " + (pos - off - LENGTH_PREFIX) + " is cut off after " + (end - pos));
            }
            int n = session.decrypt(wire, pos, body, scratch, 0);
            plaintext.write(scratch, 0, n);
            pos += body;
        }
        return plaintext.toByteArray();
    }
}
