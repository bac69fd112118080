package io.meshwork.libp2p.api.codec;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * A multihash: {@code uvarint(code) || uvarint(digest length) || digest}. Immutable; arrays are copied in and
 * out.
 *
 * <p>Validation: the code must fit in an {@code int}; a digest may be at most {@value #MAX_DIGEST_LENGTH} bytes
 * (enough for every real hash and for libp2p's inlined public keys, which are at most 42 bytes); a
 * {@link #SHA2_256} digest must be exactly 32 bytes.
 */
public final class Multihash {

    /** The identity "hash": the digest is the data itself. */
    public static final int IDENTITY = 0x00;
    /** SHA2-256, 32-byte digests. */
    public static final int SHA2_256 = 0x12;
    /** The longest digest accepted. */
    public static final int MAX_DIGEST_LENGTH = 128;

    private static final int SHA2_256_LENGTH = 32;

    private final int code;
    private final byte[] digest;

    /**
     * @param code the multicodec code of the hash function
     * @param digest the digest; copied
     * @throws MalformedDataException if the code is negative or the digest length is not allowed for the code
     */
    public Multihash(int code, byte[] digest) {
        if (code < 0) {
            throw new MalformedDataException("negative multihash code " + code);
        }
        checkDigestLength(code, digest.length);
        this.code = code;
        this.digest = digest.clone();
    }

    /** The identity multihash of {@code data}. */
    public static Multihash identity(byte[] data) {
        return new Multihash(IDENTITY, data);
    }

    /** The SHA2-256 multihash of {@code data}. */
    public static Multihash sha256(byte[] data) {
        try {
            return new Multihash(SHA2_256, MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /**
     * Decodes an array that holds exactly one multihash.
     *
     * @throws MalformedDataException if the multihash is malformed or bytes follow it
     */
    public static Multihash decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        Multihash multihash = decode(buffer);
        if (buffer.hasRemaining()) {
            throw new MalformedDataException("unexpected " + buffer.remaining()
                    + " trailing byte(s) after multihash at offset " + buffer.position());
        }
        return multihash;
    }

    /**
     * Decodes the multihash at the buffer's position and advances past it. On failure the position is left
     * unchanged.
     *
     * @throws MalformedDataException if the multihash is malformed or truncated
     */
    public static Multihash decode(ByteBuffer in) {
        int start = in.position();
        try {
            long code = Varint.decode(in);
            if (code > Integer.MAX_VALUE) {
                throw new MalformedDataException("multihash code 0x" + Long.toHexString(code) + " at offset " + start
                        + " is too large");
            }
            int lengthOffset = in.position();
            long length = Varint.decode(in);
            if (length > MAX_DIGEST_LENGTH) {
                throw new MalformedDataException("multihash digest length " + length + " at offset " + lengthOffset
                        + " exceeds the limit of " + MAX_DIGEST_LENGTH);
            }
            if (length > in.remaining()) {
                throw new MalformedDataException("multihash truncated: digest length " + length + " at offset "
                        + lengthOffset + " but only " + in.remaining() + " byte(s) remain");
            }
            checkDigestLength((int) code, (int) length);
            byte[] digest = new byte[(int) length];
            in.get(digest);
            return new Multihash((int) code, digest);
        } catch (MalformedDataException e) {
            in.position(start);
            throw e;
        }
    }

    private static void checkDigestLength(int code, int length) {
        if (length > MAX_DIGEST_LENGTH) {
            throw new MalformedDataException("multihash digest of " + length + " bytes exceeds the limit of "
                    + MAX_DIGEST_LENGTH);
        }
        if (code == SHA2_256 && length != SHA2_256_LENGTH) {
            throw new MalformedDataException("sha2-256 multihash digest must be 32 bytes, not " + length);
        }
    }

    /** The multicodec code of the hash function. */
    public int code() {
        return code;
    }

    /** A copy of the digest. */
    public byte[] digest() {
        return digest.clone();
    }

    /** The digest length in bytes. */
    public int digestLength() {
        return digest.length;
    }

    /** The binary multihash. */
    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        int offset = Varint.write(code, out, 0);
        offset += Varint.write(digest.length, out, offset);
        System.arraycopy(digest, 0, out, offset, digest.length);
        return out;
    }

    /** The length of {@link #encode()}. */
    public int encodedLength() {
        return Varint.encodedLength(code) + Varint.encodedLength(digest.length) + digest.length;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Multihash && code == ((Multihash) other).code
                && Arrays.equals(digest, ((Multihash) other).digest);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        String name = code == IDENTITY ? "identity" : code == SHA2_256 ? "sha2-256" : "0x" + Integer.toHexString(code);
        return "Multihash[" + name + ", " + HexFormat.of().formatHex(digest) + "]";
    }
}
