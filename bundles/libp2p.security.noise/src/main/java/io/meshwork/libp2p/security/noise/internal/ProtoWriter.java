package io.meshwork.libp2p.security.noise.internal;

import java.io.ByteArrayOutputStream;

/**
 * Writes the few protobuf constructs the handshake payload needs: length-delimited fields.
 *
 * <p>Not thread-safe; used by one encoding call.
 */
final class ProtoWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter lengthDelimited(int field, byte[] value) {
        varint((long) field << 3 | ProtoReader.LEN);
        varint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
