package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The little DER this bundle needs (key structures and ECDSA signatures), read strictly: definite minimal
 * lengths, minimal positive INTEGERs, no trailing bytes. Because the reader accepts only DER, a structure it
 * accepts re-encodes to the same bytes. Not thread-safe; each reader is used by one decode call.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;
    static final int CONTEXT_0 = 0xa0;
    static final int CONTEXT_1 = 0xa1;

    private Der() {
    }

    /** Reads a DER structure; {@code what} names it in error messages. */
    static final class Reader {
        private final byte[] in;
        private final int end;
        private final String what;
        private int position;

        Reader(byte[] in, String what) {
            this(in, 0, in.length, what);
        }

        private Reader(byte[] in, int start, int end, String what) {
            this.in = in;
            this.position = start;
            this.end = end;
            this.what = what;
        }

        boolean hasMore() {
            return position < end;
        }

        int peekTag() {
            if (position >= end) {
                throw error("truncated: expected another element at offset " + position);
            }
            return in[position] & 0xff;
        }

        /** Reads an element with the given tag and returns a reader over its contents. */
        Reader nested(int tag) {
            int length = header(tag);
            Reader nested = new Reader(in, position, position + length, what);
            position += length;
            return nested;
        }

        /** Reads an element with the given tag and returns a copy of its contents. */
        byte[] contents(int tag) {
            int length = header(tag);
            byte[] contents = Arrays.copyOfRange(in, position, position + length);
            position += length;
            return contents;
        }

        /** Reads an INTEGER that must be positive and minimally encoded. */
        BigInteger positiveInteger() {
            int offset = position;
            byte[] bytes = contents(INTEGER);
            if (bytes.length == 0) {
                throw error("empty INTEGER at offset " + offset);
            }
            if (bytes[0] < 0) {
                throw error("negative INTEGER at offset " + offset);
            }
            if (bytes.length > 1 && bytes[0] == 0 && bytes[1] >= 0) {
                throw error("INTEGER at offset " + offset + " is not minimally encoded");
            }
            BigInteger value = new BigInteger(1, bytes);
            if (value.signum() == 0) {
                throw error("zero INTEGER at offset " + offset + " where a positive one is required");
            }
            return value;
        }

        /** Reads a BIT STRING without unused bits and returns its bytes. */
        byte[] bitString() {
            int offset = position;
            byte[] contents = contents(BIT_STRING);
            if (contents.length == 0 || contents[0] != 0) {
                throw error("BIT STRING at offset " + offset + " must start with 0 unused bits");
            }
            return Arrays.copyOfRange(contents, 1, contents.length);
        }

        void expectEnd() {
            if (position != end) {
                throw error("unexpected " + (end - position) + " trailing byte(s) at offset " + position);
            }
        }

        MalformedDataException error(String message) {
            return new MalformedDataException(what + ": " + message);
        }

        private int header(int tag) {
            int offset = position;
            if (position >= end) {
                throw error("truncated: expected tag 0x" + Integer.toHexString(tag) + " at offset " + offset);
            }
            int actual = in[position++] & 0xff;
            if (actual != tag) {
                throw error("expected tag 0x" + Integer.toHexString(tag) + " at offset " + offset + " but found 0x"
                        + Integer.toHexString(actual));
            }
            if (position >= end) {
                throw error("truncated: missing length at offset " + position);
            }
            int first = in[position++] & 0xff;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7f;
                if (count == 0 || count > 3) {
                    throw error("unsupported DER length form 0x" + Integer.toHexString(first) + " at offset "
                            + (position - 1));
                }
                if (count > end - position) {
                    throw error("truncated length at offset " + (position - 1));
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (in[position++] & 0xff);
                }
                if (length < 0x80 || length < (1 << (8 * (count - 1)))) {
                    throw error("length at offset " + (position - count - 1) + " is not minimally encoded");
                }
            }
            if (length > end - position) {
                throw error("element at offset " + offset + " claims " + length + " bytes but only "
                        + (end - position) + " remain");
            }
            return length;
        }
    }

    /** Encodes one element. */
    static byte[] element(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] part : contents) {
            length += part.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 5);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            throw new IllegalArgumentException("DER element of " + length + " bytes is longer than this codec needs");
        }
        for (byte[] part : contents) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] integer(BigInteger value) {
        return element(INTEGER, value.toByteArray());
    }

    /** A BIT STRING without unused bits. */
    static byte[] bitString(byte[] bytes) {
        return element(BIT_STRING, new byte[] {0}, bytes);
    }
}
