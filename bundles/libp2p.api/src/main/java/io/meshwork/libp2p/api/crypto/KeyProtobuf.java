package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import java.util.Arrays;

/**
 * The {@code PublicKey} and {@code PrivateKey} protobuf messages, hand-coded because they are tiny and must be
 * deterministic: {@code 0x08 uvarint(Type) 0x12 uvarint(len) Data} and nothing else. Decoding accepts only that
 * form, so an accepted message re-encodes to the same bytes. Stateless.
 */
final class KeyProtobuf {

    /** Upper bound on a marshalled key; an 8192-bit RSA public key needs about 1.1 KB. */
    static final int MAX_LENGTH = 4096;

    private static final int TYPE_TAG = 0x08;
    private static final int DATA_TAG = 0x12;

    /** A decoded message. */
    record Message(KeyType type, byte[] data) {
    }

    private KeyProtobuf() {
    }

    static byte[] encode(KeyType type, byte[] data) {
        byte[] out = new byte[1 + Varint.encodedLength(type.number()) + 1 + Varint.encodedLength(data.length)
                + data.length];
        int offset = 0;
        out[offset++] = TYPE_TAG;
        offset += Varint.write(type.number(), out, offset);
        out[offset++] = DATA_TAG;
        offset += Varint.write(data.length, out, offset);
        System.arraycopy(data, 0, out, offset, data.length);
        return out;
    }

    /** Decodes a message; {@code name} ("PublicKey" or "PrivateKey") appears in error messages. */
    static Message decode(byte[] in, String name) {
        if (in.length > MAX_LENGTH) {
            throw new MalformedDataException(name + " protobuf of " + in.length + " bytes exceeds the limit of "
                    + MAX_LENGTH);
        }
        if (in.length == 0) {
            throw new MalformedDataException(name + " protobuf is missing required field 1 (Type)");
        }
        if ((in[0] & 0xff) != TYPE_TAG) {
            throw new MalformedDataException(name + " protobuf must start with field 1 (Type, tag 0x08) but found tag "
                    + "byte 0x" + Integer.toHexString(in[0] & 0xff) + " at offset 0");
        }
        Varint.Decoded type = Varint.decode(in, 1);
        if (type.value() > Integer.MAX_VALUE) {
            throw new MalformedDataException("unknown key type " + type.value() + " in " + name + " protobuf");
        }
        KeyType keyType = KeyType.fromNumber((int) type.value());
        int offset = 1 + type.length();
        if (offset == in.length) {
            throw new MalformedDataException(name + " protobuf is missing required field 2 (Data)");
        }
        if ((in[offset] & 0xff) != DATA_TAG) {
            throw new MalformedDataException(name + " protobuf must continue with field 2 (Data, tag 0x12) but found "
                    + "tag byte 0x" + Integer.toHexString(in[offset] & 0xff) + " at offset " + offset);
        }
        Varint.Decoded length = Varint.decode(in, offset + 1);
        int dataOffset = offset + 1 + length.length();
        int remaining = in.length - dataOffset;
        if (length.value() > remaining) {
            throw new MalformedDataException(name + " protobuf truncated: Data length " + length.value()
                    + " at offset " + (offset + 1) + " but only " + remaining + " byte(s) remain");
        }
        if (length.value() < remaining) {
            int extra = dataOffset + (int) length.value();
            throw new MalformedDataException(name + " protobuf has unexpected bytes after field 2 (Data) at offset "
                    + extra + "; only fields 1 and 2, once each, are allowed");
        }
        return new Message(keyType, Arrays.copyOfRange(in, dataOffset, in.length));
    }
}
