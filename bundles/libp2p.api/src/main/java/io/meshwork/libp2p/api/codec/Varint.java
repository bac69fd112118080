package io.meshwork.libp2p.api.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The multiformats unsigned varint: seven payload bits per byte, least significant group first, the high bit
 * of a byte set when another byte follows.
 *
 * <p>Decoding is strict as the multiformats specification requires: encodings must be minimal (only the value
 * 0 may end in a {@code 0x00} byte), at most {@value #MAX_LENGTH} bytes long (so values fit in 63 bits) and
 * complete. Stateless and thread-safe.
 */
public final class Varint {

    /** The longest accepted encoding; nine bytes carry 63 payload bits. */
    public static final int MAX_LENGTH = 9;

    /**
     * A decoded varint.
     *
     * @param value the decoded value, never negative
     * @param length how many bytes the encoding took
     */
    public record Decoded(long value, int length) {
    }

    private Varint() {
    }

    /**
     * Encodes {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static byte[] encode(long value) {
        byte[] out = new byte[encodedLength(value)];
        write(value, out, 0);
        return out;
    }

    /**
     * Writes the encoding of {@code value} into {@code out} at {@code offset}.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException if {@code value} is negative
     * @throws IndexOutOfBoundsException if the encoding does not fit
     */
    public static int write(long value, byte[] out, int offset) {
        int length = encodedLength(value);
        Objects.checkFromIndexSize(offset, length, out.length);
        long rest = value;
        int i = offset;
        while (rest >= 0x80) {
            out[i++] = (byte) ((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out[i] = (byte) rest;
        return length;
    }

    /**
     * The number of bytes {@link #encode(long)} produces for {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static int encodedLength(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("unsigned varint cannot encode negative value " + value);
        }
        int length = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            length++;
        }
        return length;
    }

    /**
     * Decodes an array that holds exactly one varint and nothing else.
     *
     * @throws MalformedDataException if the array is empty, the varint is malformed or bytes follow it
     */
    public static long decode(byte[] in) {
        Decoded decoded = decode(in, 0);
        if (decoded.length() != in.length) {
            throw new MalformedDataException("unexpected " + (in.length - decoded.length())
                    + " trailing byte(s) after varint at offset " + decoded.length());
        }
        return decoded.value();
    }

    /**
     * Decodes the varint that starts at {@code offset}; bytes after it are left alone.
     *
     * @throws MalformedDataException if the varint is truncated, longer than {@value #MAX_LENGTH} bytes or not
     *         minimally encoded
     * @throws IndexOutOfBoundsException if {@code offset} is outside {@code [0, in.length]}
     */
    public static Decoded decode(byte[] in, int offset) {
        Objects.checkIndex(offset, in.length + 1);
        long value = 0;
        for (int i = 0; i < MAX_LENGTH; i++) {
            int position = offset + i;
            if (position >= in.length) {
                throw new MalformedDataException("varint truncated at offset " + position
                        + " (started at offset " + offset + ")");
            }
            int b = in[position] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MalformedDataException("varint is not minimally encoded at offset " + offset);
                }
                return new Decoded(value, i + 1);
            }
        }
        throw new MalformedDataException("varint at offset " + offset + " is longer than " + MAX_LENGTH + " bytes");
    }

    /**
     * Decodes the varint at the buffer's position and advances the position past it. On failure the position
     * is left unchanged.
     *
     * @throws MalformedDataException if the varint is truncated, too long or not minimally encoded
     */
    public static long decode(ByteBuffer in) {
        int start = in.position();
        long value = 0;
        for (int i = 0; i < MAX_LENGTH; i++) {
            int position = start + i;
            if (position >= in.limit()) {
                throw new MalformedDataException("varint truncated at offset " + position
                        + " (started at offset " + start + ")");
            }
            int b = in.get(position) & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MalformedDataException("varint is not minimally encoded at offset " + start);
                }
                in.position(position + 1);
                return value;
            }
        }
        throw new MalformedDataException("varint at offset " + start + " is longer than " + MAX_LENGTH + " bytes");
    }
}
