package io.meshwork.libp2p.security.noise.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict, bounded reader of protobuf wire format over one byte range. Every length is checked against the
 * bytes that remain before anything is allocated, and against a caller-given maximum, so a hostile length can
 * never cause a large allocation. Groups (wire types 3 and 4) and the undefined wire types 6 and 7 are rejected.
 * Failures are {@link NoiseException}s with reason {@link NoiseException.Reason#MALFORMED_PAYLOAD} naming the
 * message and the offset.
 *
 * <p>Not thread-safe; used by one decoding call.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private final byte[] buf;
    private final int end;
    private final String message;
    private int pos;

    ProtoReader(byte[] buf, int off, int len, String message) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.message = message;
    }

    boolean hasMore() {
        return pos < end;
    }

    int position() {
        return pos;
    }

    /** Reads a field key; returns {@code fieldNumber << 3 | wireType} after checking both are valid. */
    int readTag() throws NoiseException {
        int at = pos;
        long key = readVarint();
        long field = key >>> 3;
        int wireType = (int) (key & 7);
        if (field == 0 || field > 536_870_911L) {
            throw malformed("invalid field number " + field, at);
        }
        if (wireType == 3 || wireType == 4) {
            throw malformed("field " + field + " uses a group wire type, which is not supported", at);
        }
        if (wireType == 6 || wireType == 7) {
            throw malformed("field " + field + " has invalid wire type " + wireType, at);
        }
        return (int) key;
    }

    static int fieldNumber(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    long readVarint() throws NoiseException {
        int at = pos;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw malformed("truncated varint", at);
            }
            byte b = buf[pos++];
            if (shift == 63 && (b & 0xfe) != 0) {
                throw malformed("varint longer than 64 bits", at);
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes", at);
    }

    /** Reads a length prefix and returns the start offset of the {@code length} bytes, which it skips. */
    int readLengthDelimited(int maxLength, String field) throws NoiseException {
        int at = pos;
        long length = readVarint();
        if (length < 0 || length > end - pos) {
            throw malformed(field + " claims " + Long.toUnsignedString(length) + " bytes but only " + (end - pos)
                    + " remain", at);
        }
        if (length > maxLength) {
            throw malformed(field + " is " + length + " bytes, more than the limit of " + maxLength, at);
        }
        int start = pos;
        pos += (int) length;
        return start;
    }

    byte[] readBytes(int maxLength, String field) throws NoiseException {
        int start = readLengthDelimited(maxLength, field);
        return Arrays.copyOfRange(buf, start, pos);
    }

    String readString(int maxLength, String field) throws NoiseException {
        int start = readLengthDelimited(maxLength, field);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, start, pos - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_PAYLOAD, message + "." + field
                    + " at offset " + start + " is not valid UTF-8", e);
        }
    }

    /** Skips the value of an unknown field, as protobuf parsers must, without allocating. */
    void skip(int tag) throws NoiseException {
        int at = pos;
        switch (wireType(tag)) {
            case VARINT:
                readVarint();
                return;
            case I64:
                advance(8, at, tag);
                return;
            case I32:
                advance(4, at, tag);
                return;
            case LEN:
                readLengthDelimited(Integer.MAX_VALUE, "unknown field " + fieldNumber(tag));
                return;
            default:
                throw malformed("field " + fieldNumber(tag) + " has unsupported wire type " + wireType(tag), at);
        }
    }

    private void advance(int n, int at, int tag) throws NoiseException {
        if (end - pos < n) {
            throw malformed("unknown field " + fieldNumber(tag) + " truncated", at);
        }
        pos += n;
    }

    NoiseException malformed(String what, int at) {
        return new NoiseException(NoiseException.Reason.MALFORMED_PAYLOAD, message + ": " + what + " at offset "
                + at);
    }
}
