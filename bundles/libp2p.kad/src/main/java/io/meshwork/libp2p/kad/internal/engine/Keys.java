package io.meshwork.libp2p.kad.internal.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;

/** Kademlia geometry: keys are SHA-256 hashed; distance is XOR, compared as unsigned 256-bit big-endian numbers. */
public final class Keys {

    public static final int BITS = 256;

    private Keys() {
    }

    public static byte[] hash(byte[] key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** The number of leading bits {@code a} and {@code b} (hashes) share: 256 if equal. */
    public static int commonPrefixLength(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            int x = (a[i] ^ b[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return a.length * 8;
    }

    /** Orders hashes by their distance to {@code target} (a hash), nearest first. */
    public static Comparator<byte[]> byDistanceTo(byte[] target) {
        return (x, y) -> {
            for (int i = 0; i < target.length; i++) { // XOR distances compared byte by byte, without building them
                int dx = (x[i] ^ target[i]) & 0xff;
                int dy = (y[i] ^ target[i]) & 0xff;
                if (dx != dy) {
                    return Integer.compare(dx, dy);
                }
            }
            return 0;
        };
    }
}
