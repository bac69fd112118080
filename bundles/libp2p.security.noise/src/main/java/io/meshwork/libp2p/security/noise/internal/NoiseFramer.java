package io.meshwork.libp2p.security.noise.internal;

import java.nio.ByteBuffer;
import java.util.List;

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
     * Wire bytes that {@link #encryptPacked} makes of {@code pieces} (their remaining bytes), including the
     * frames its packing rule starts early.
     */
    public static int packedWireLength(List<ByteBuffer> pieces) {
        int frames = 0;
        long plaintext = 0;
        int room = 0;
        for (ByteBuffer piece : pieces) {
            int left = piece.remaining();
            plaintext += left;
            while (left > 0) {
                if (room == 0 || startsNewFrame(left, room)) {
                    frames++;
                    room = NoiseSession.MAX_PLAINTEXT_LENGTH;
                }
                int n = Math.min(left, room);
                left -= n;
                room -= n;
            }
        }
        return Math.toIntExact(plaintext + (long) frames * (LENGTH_PREFIX + NoiseSession.TAG_LENGTH));
    }

    /**
     * Encrypts the remaining bytes of {@code pieces}, in order, straight from their buffers into consecutive frames
     * in {@code out} (no gathering copy), which needs {@link #packedWireLength} bytes of room from {@code outOff}.
     * Pieces share frames, but a piece that does not fit into the room left in the current frame and would fit into
     * a frame of its own starts a new frame instead of being split: a muxer frame's payload then arrives in one
     * Noise message and the receiver can hand it on without reassembling it. Each piece's position advances to its
     * limit. {@code out} must not overlap the pieces.
     *
     * @return bytes written
     * @throws NoiseException {@link NoiseException.Reason#NONCE_EXHAUSTED} after 2^64-1 messages
     */
    public static int encryptPacked(NoiseSession session, List<ByteBuffer> pieces, byte[] out, int outOff)
            throws NoiseException {
        int pos = outOff;
        int lengthAt = -1;
        int room = 0;
        byte[] scratch = null;
        for (ByteBuffer piece : pieces) {
            int left = piece.remaining();
            int at = piece.position();
            while (left > 0) {
                if (lengthAt >= 0 && startsNewFrame(left, room)) {
                    pos = finishFrame(session, out, pos, lengthAt);
                    lengthAt = -1;
                }
                if (lengthAt < 0) {
                    lengthAt = pos;
                    pos += LENGTH_PREFIX;
                    room = NoiseSession.MAX_PLAINTEXT_LENGTH;
                    session.encryptStart();
                }
                int n = Math.min(left, room);
                if (piece.hasArray()) {
                    pos += session.encryptUpdate(piece.array(), piece.arrayOffset() + at, n, out, pos);
                } else {
                    // Direct or read-only buffers: through a scratch array (the JDK cipher wants arrays).
                    if (scratch == null) {
                        scratch = new byte[Math.min(left, NoiseSession.MAX_PLAINTEXT_LENGTH)];
                    } else if (scratch.length < n) {
                        scratch = new byte[n];
                    }
                    piece.get(at, scratch, 0, n);
                    pos += session.encryptUpdate(scratch, 0, n, out, pos);
                }
                at += n;
                left -= n;
                room -= n;
                if (room == 0) {
                    pos = finishFrame(session, out, pos, lengthAt);
                    lengthAt = -1;
                }
            }
            piece.position(piece.limit());
        }
        if (lengthAt >= 0) {
            pos = finishFrame(session, out, pos, lengthAt);
        }
        return pos - outOff;
    }

    /** Whether a piece of {@code left} bytes goes into a new frame rather than the {@code room} of the current. */
    private static boolean startsNewFrame(int left, int room) {
        return left > room && left <= NoiseSession.MAX_PLAINTEXT_LENGTH && room < NoiseSession.MAX_PLAINTEXT_LENGTH;
    }

    private static int finishFrame(NoiseSession session, byte[] out, int pos, int lengthAt) {
        int end = pos + session.encryptFinish(out, pos);
        writeLength(end - lengthAt - LENGTH_PREFIX, out, lengthAt);
        return end;
    }

    /**
     * Decrypts a buffer that holds whole frames only and returns the concatenated plaintext.
     *
     * @throws NoiseException {@link NoiseException.Reason#MALFORMED_MESSAGE} if the buffer ends inside a frame,
     *     or any failure of {@link NoiseSession#decrypt(byte[], int, int, byte[], int)}
     */
    public static byte[] decryptFrames(NoiseSession session, byte[] wire, int off, int len) throws NoiseException {
        // First pass: check the framing and size the result, so every frame decrypts straight into it.
        int plaintext = 0;
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
            plaintext += Math.max(0, body - NoiseSession.TAG_LENGTH);
            pos += body;
        }
        byte[] out = new byte[plaintext];
        int written = 0;
        pos = off;
        while (pos < end) {
            int body = readLength(wire, pos);
            pos += LENGTH_PREFIX;
            written += session.decrypt(wire, pos, body, out, written);
            pos += body;
        }
        return out;
    }

}
