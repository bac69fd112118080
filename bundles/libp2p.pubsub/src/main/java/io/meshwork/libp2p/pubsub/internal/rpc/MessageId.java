package io.meshwork.libp2p.pubsub.internal.rpc;

import java.util.Arrays;
import java.util.HexFormat;

/** A message id: arbitrary bytes compared by value (usable as a map key). Immutable. */
public final class MessageId {

    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of {@code bytes}. */
    public static MessageId of(byte[] bytes) {
        return new MessageId(bytes.clone());
    }

    /** Wraps {@code bytes} without copying; the caller gives up the array. */
    public static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** A copy of the id's bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** The bytes without copying, for encoders; must not be modified. */
    byte[] unsafeBytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId id && hash == id.hash && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
