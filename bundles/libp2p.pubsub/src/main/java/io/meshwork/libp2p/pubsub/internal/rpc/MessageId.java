package io.meshwork.libp2p.pubsub.internal.rpc;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A message id: arbitrary bytes compared by value (usable as a map key). Immutable.
 *
 * <p>Every id carries a 128-bit fingerprint, SipHash-2-4 of its bytes under a key drawn once per class load. The
 * seen cache remembers fingerprints instead of ids, so the two minutes of ids it holds are primitive arrays rather
 * than millions of small objects for the garbage collector to trace and copy; as the key is secret, nobody can
 * choose ids whose fingerprints collide (and two honest ids collide with probability about n² / 2¹²⁹). The hash
 * code is taken from the fingerprint too: {@link Arrays#hashCode(byte[])} mapped the default ids, a fixed author
 * followed by a counting sequence number, onto few values, which turned hash bins into trees. Ids also compare
 * (unsigned bytes, then length), so even colliding hash codes cost a tree bin O(log n).
 */
public final class MessageId implements Comparable<MessageId> {

    private static final SipHash FINGERPRINT;

    static {
        SecureRandom random = new SecureRandom();
        FINGERPRINT = new SipHash(random.nextLong(), random.nextLong());
    }

    private final byte[] bytes;
    private final long fingerprintHigh;
    private final long fingerprintLow;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        long[] fp = new long[2];
        FINGERPRINT.hash128(bytes, fp);
        this.fingerprintLow = fp[0];
        this.fingerprintHigh = fp[1];
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

    /** Bits 64–127 of the fingerprint. */
    public long fingerprintHigh() {
        return fingerprintHigh;
    }

    /** Bits 0–63 of the fingerprint. */
    public long fingerprintLow() {
        return fingerprintLow;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId id && fingerprintLow == id.fingerprintLow
                && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int compareTo(MessageId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return (int) (fingerprintLow ^ fingerprintLow >>> 32);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
