package io.meshwork.libp2p.api.codec;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little of the protobuf wire format libp2p's small messages need (keys, records, identify...), hand-coded
 * so the bundles need no protobuf runtime. The writer is deterministic (fields in the order the caller writes them, minimal varints); the
 * reader rejects what no honest encoder produces (non-minimal or overlong varints, group wire types, field 0,
 * truncation) and skips unknown fields of the other wire types. Not thread-safe; one instance per message.
 */
public final class Protobuf {

    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    private static final int MAX_VARINT_LENGTH = 10;

    private Protobuf() {
    }

    /** Appends fields to a growing array. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer bytes(int field, byte[] value) {
            varint(((long) field << 3) | LEN);
            varint(value.length);
            out.writeBytes(value);
            return this;
        }

        /** Writes {@code value} as an unsigned 64-bit integer (negative longs stand for values of 2^63 and up). */
        public Writer uint64(int field, long value) {
            varint(((long) field << 3) | VARINT);
            varint(value);
            return this;
        }

        private void varint(long value) {
            long rest = value;
            while ((rest & ~0x7fL) != 0) {
                out.write((int) ((rest & 0x7f) | 0x80));
                rest >>>= 7;
            }
            out.write((int) rest);
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Reads the fields of one message in order. */
    public static final class Reader {
        private final byte[] in;
        private final String message;
        private int offset;
        private int wireType = -1;
        private int field;

        /** @param message the message name used in error texts, e.g. "Envelope" */
        /** Reads {@code in}; {@code message} names the message in error messages. */
        public Reader(byte[] in, String message) {
            this.in = in;
            this.message = message;
        }

        public boolean hasNext() {
            return offset < in.length;
        }

        /** Reads the next tag and returns its field number; {@link #wireType()} tells how to read the value. */
        public int next() {
            int start = offset;
            long tag = varint();
            long number = tag >>> 3;
            if (number == 0 || number > 0x1fff_ffff) {
                throw malformed("invalid field number " + number + " at offset " + start);
            }
            wireType = (int) (tag & 7);
            field = (int) number;
            return field;
        }

        public int wireType() {
            return wireType;
        }

        /** Reads a length-delimited value of at most {@code maxLength} bytes. */
        public byte[] bytes(int maxLength) {
            expect(LEN);
            int start = offset;
            long length = varint();
            if (length > maxLength) {
                throw malformed("field " + field + " of " + length + " bytes at offset " + start
                        + " exceeds the limit of " + maxLength);
            }
            if (length > in.length - offset) {
                throw malformed("field " + field + " truncated: " + length + " bytes declared at offset " + start
                        + " but only " + (in.length - offset) + " remain");
            }
            byte[] value = Arrays.copyOfRange(in, offset, offset + (int) length);
            offset += (int) length;
            return value;
        }

        /** Reads an unsigned 64-bit varint value (values of 2^63 and up come back negative). */
        public long uint64() {
            expect(VARINT);
            return varint();
        }

        /** Skips the value of the field just read. */
        public void skip() {
            int start = offset;
            switch (wireType) {
                case VARINT:
                    varint();
                    return;
                case FIXED64:
                    advance(8, start);
                    return;
                case FIXED32:
                    advance(4, start);
                    return;
                case LEN:
                    long length = varint();
                    if (length > in.length - offset) {
                        throw malformed("unknown field " + field + " truncated: " + length
                                + " bytes declared at offset " + start + " but only " + (in.length - offset)
                                + " remain");
                    }
                    offset += (int) length;
                    return;
                default:
                    throw malformed("field " + field + " uses unsupported wire type " + wireType + " at offset "
                            + start);
            }
        }

        private void advance(int count, int start) {
            if (count > in.length - offset) {
                throw malformed("field " + field + " truncated at offset " + start);
            }
            offset += count;
        }

        private void expect(int expected) {
            if (wireType != expected) {
                throw malformed("field " + field + " has wire type " + wireType + " but must have wire type "
                        + expected);
            }
        }

        private long varint() {
            int start = offset;
            long value = 0;
            for (int i = 0; i < MAX_VARINT_LENGTH; i++) {
                if (offset >= in.length) {
                    throw malformed("varint truncated at offset " + offset + " (started at offset " + start + ")");
                }
                int b = in[offset++] & 0xff;
                if (i == MAX_VARINT_LENGTH - 1 && b > 1) {
                    throw malformed("varint at offset " + start + " exceeds 64 bits");
                }
                value |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) {
                        throw malformed("varint at offset " + start + " is not minimally encoded");
                    }
                    return value;
                }
            }
            throw malformed("varint at offset " + start + " is longer than " + MAX_VARINT_LENGTH + " bytes");
        }

        /** An error about this message, for callers that validate field contents. */
        public MalformedDataException malformed(String what) {
            return new MalformedDataException(message + " protobuf: " + what);
        }
    }
}
