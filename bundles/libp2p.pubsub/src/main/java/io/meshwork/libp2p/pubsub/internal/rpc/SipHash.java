package io.meshwork.libp2p.pubsub.internal.rpc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, "SipHash: a fast short-input PRF"): a keyed
 * pseudorandom function, so without the key nobody can choose inputs whose outputs collide. Used to fingerprint
 * message ids.
 */
public final class SipHash {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final long k0;
    private final long k1;

    /** {@code k0}, {@code k1}: the key's bytes 0–7 and 8–15, little-endian. */
    public SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The 128-bit PRF of {@code in}: the output's bytes 0–7 (little-endian) in {@code out[0]}, 8–15 in {@code out[1]}. */
    public void hash128(byte[] in, long[] out) {
        long[] v = {
            k0 ^ 0x736f6d6570736575L,
            k1 ^ 0x646f72616e646f6dL ^ 0xee,
            k0 ^ 0x6c7967656e657261L,
            k1 ^ 0x7465646279746573L,
        };
        int end = in.length & ~7;
        for (int i = 0; i < end; i += 8) {
            compress(v, (long) LONGS.get(in, i), 2);
        }
        long b = (long) in.length << 56;
        for (int i = end; i < in.length; i++) {
            b |= (in[i] & 0xFFL) << (8 * (i - end));
        }
        compress(v, b, 2);
        v[2] ^= 0xee;
        rounds(v, 4);
        out[0] = v[0] ^ v[1] ^ v[2] ^ v[3];
        v[1] ^= 0xdd;
        rounds(v, 4);
        out[1] = v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    /** Absorbs the 8-byte word {@code m} with {@code n} rounds. */
    private static void compress(long[] v, long m, int n) {
        v[3] ^= m;
        rounds(v, n);
        v[0] ^= m;
    }

    /** {@code n} SipRounds on the state v0..v3. */
    private static void rounds(long[] v, int n) {
        long v0 = v[0];
        long v1 = v[1];
        long v2 = v[2];
        long v3 = v[3];
        for (int r = 0; r < n; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v[0] = v0;
        v[1] = v1;
        v[2] = v2;
        v[3] = v3;
    }
}
