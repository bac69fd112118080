package io.meshwork.libp2p.api.crypto;

import java.math.BigInteger;

/**
 * Arithmetic modulo the Ed25519 group order L = 2^252 + δ (RFC 8032 §5.1), in constant time: no branch and no
 * memory index depends on the values, only on their (fixed) sizes. Signing runs its secret nonce and secret scalar
 * through here.
 *
 * <p>Numbers are held as signed 21-bit limbs in {@code long}s. Reduction folds every limb at or above 2^252 back
 * into the lower ones with 2^252 ≡ −δ (mod L), where −δ is written as six balanced 21-bit digits; the result, a
 * signed value well inside (−8L, 8L), is brought into [0, L) by adding 8L and then subtracting 8L, 4L, 2L and L
 * wherever the difference stays non-negative (always computed, kept by mask).
 */
final class Ed25519Scalar {

    /** The group order L. */
    static final BigInteger ORDER = BigInteger.ONE.shiftLeft(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));

    private static final int BITS = 21;
    private static final long MASK = (1L << BITS) - 1;
    private static final long HALF = 1L << (BITS - 1);
    /** Limbs of a reduced scalar: 11 of 21 bits and a top one of up to 25 (bits 231 to 255). */
    private static final int LIMBS = 12;
    /** −δ ≡ 2^252 (mod L) in balanced 21-bit digits, least significant first. */
    private static final long[] FOLD = balancedDigits(ORDER.subtract(BigInteger.ONE.shiftLeft(252)).negate(), 6);
    /** 8L, 4L, 2L and L as {@link #LIMBS} unsigned limbs. */
    private static final long[][] MULTIPLES = {
        limbs(ORDER.shiftLeft(3)), limbs(ORDER.shiftLeft(2)), limbs(ORDER.shiftLeft(1)), limbs(ORDER)};

    private Ed25519Scalar() {
    }

    /** A 64-byte little-endian number (a SHA-512 output) modulo L, as 32 little-endian bytes. */
    static byte[] reduce512(byte[] wide) {
        if (wide.length != 64) {
            throw new IllegalArgumentException("need 64 bytes, got " + wide.length);
        }
        long[] t = new long[24];
        for (int i = 0; i < 23; i++) {
            t[i] = bits(wide, BITS * i, BITS);
        }
        t[23] = bits(wide, BITS * 23, 512 - BITS * 23);
        return reduce(t);
    }

    /**
     * (a·b + c) mod L for 32-byte little-endian a, b and c (each below 2^256), as 32 little-endian bytes: the S
     * half of a signature, r + k·s.
     */
    static byte[] mulAdd(byte[] a, byte[] b, byte[] c) {
        long[] x = decode(a);
        long[] y = decode(b);
        long[] t = new long[24];
        for (int i = 0; i < LIMBS; i++) {
            for (int j = 0; j < LIMBS; j++) {
                t[i + j] += x[i] * y[j];
            }
        }
        long[] z = decode(c);
        for (int i = 0; i < LIMBS; i++) {
            t[i] += z[i];
        }
        carry(t, 0, 23);
        return reduce(t);
    }

    /**
     * Reduces 24 limbs: t[0..22] within ±2^54 after a carry from below, |t[23]| below 2^30 (so the value is below
     * 2^513 in magnitude). Each fold leaves its targets small enough for the next: the bounds are checked in
     * {@code Ed25519ScalarTest} against the extremes.
     */
    private static byte[] reduce(long[] t) {
        fold(t, 23, 18);   // into limbs 6..16
        carry(t, 6, 17);   // limbs 6..16 back to 21 bits, the rest into limb 17
        fold(t, 17, 12);   // into limbs 0..10
        carry(t, 0, 12);   // the rest into limb 12, now a few bits
        fold(t, 12, 12);
        carry(t, 0, 12);   // limb 12 is now −1, 0 or 1
        fold(t, 12, 12);
        carry(t, 0, 11);   // the value: 12 limbs, well inside (−8L, 8L)
        return canonical(t);
    }

    /** Replaces limbs hi down to lo (each weighing 2^(21(i−12))·2^252) by their multiples of −δ, 12 limbs lower. */
    private static void fold(long[] t, int hi, int lo) {
        for (int i = hi; i >= lo; i--) {
            long v = t[i];
            t[i] = 0;
            for (int j = 0; j < FOLD.length; j++) {
                t[i - 12 + j] += v * FOLD[j];
            }
        }
    }

    /** Rounds limbs from..to−1 to [−2^20, 2^20), moving what they shed up to the next limb (to included). */
    private static void carry(long[] t, int from, int to) {
        for (int i = from; i < to; i++) {
            long c = (t[i] + HALF) >> BITS;
            t[i] -= c << BITS;
            t[i + 1] += c;
        }
    }

    /** The value of limbs 0..11 (within (−8L, 8L)) as its representative in [0, L), 32 little-endian bytes. */
    private static byte[] canonical(long[] t) {
        long[] v = new long[LIMBS];
        long[] eightL = MULTIPLES[0];
        for (int i = 0; i < LIMBS; i++) {
            v[i] = t[i] + eightL[i];
        }
        normalize(v);
        long[] u = new long[LIMBS];
        for (long[] m : MULTIPLES) {
            for (int i = 0; i < LIMBS; i++) {
                u[i] = v[i] - m[i];
            }
            normalize(u);
            long keep = ~(u[LIMBS - 1] >> 63); // all ones when v − m ≥ 0
            for (int i = 0; i < LIMBS; i++) {
                v[i] ^= (v[i] ^ u[i]) & keep;
            }
        }
        byte[] out = new byte[32];
        long acc = 0;
        int accBits = 0;
        int o = 0;
        for (int i = 0; i < LIMBS; i++) {
            acc |= v[i] << accBits;
            accBits += BITS;
            while (accBits >= 8 && o < 32) {
                out[o++] = (byte) acc;
                acc >>>= 8;
                accBits -= 8;
            }
        }
        while (o < 32) {
            out[o++] = (byte) acc;
            acc >>>= 8;
        }
        return out;
    }

    /** Floor carries: limbs 0..10 into [0, 2^21), the top limb keeps the sign and the rest. */
    private static void normalize(long[] v) {
        for (int i = 0; i < LIMBS - 1; i++) {
            long c = v[i] >> BITS;
            v[i] &= MASK;
            v[i + 1] += c;
        }
    }

    /** A 32-byte little-endian number as {@link #LIMBS} limbs (the top one takes bits 231..255). */
    private static long[] decode(byte[] b) {
        if (b.length != 32) {
            throw new IllegalArgumentException("need 32 bytes, got " + b.length);
        }
        long[] x = new long[LIMBS];
        for (int i = 0; i < LIMBS - 1; i++) {
            x[i] = bits(b, BITS * i, BITS);
        }
        x[LIMBS - 1] = bits(b, BITS * (LIMBS - 1), 256 - BITS * (LIMBS - 1));
        return x;
    }

    /** {@code n} ≤ 32 bits of little-endian {@code b} from bit {@code off}. */
    private static long bits(byte[] b, int off, int n) {
        int first = off >>> 3;
        long v = 0;
        for (int k = 0; k < 5 && first + k < b.length; k++) {
            v |= (b[first + k] & 0xFFL) << (8 * k);
        }
        return (v >>> (off & 7)) & ((1L << n) - 1);
    }

    private static long[] balancedDigits(BigInteger v, int count) {
        long[] digits = new long[count];
        BigInteger radix = BigInteger.ONE.shiftLeft(BITS);
        for (int i = 0; i < count; i++) {
            long d = v.mod(radix).longValue();
            if (d >= HALF) {
                d -= 1L << BITS;
            }
            digits[i] = d;
            v = v.subtract(BigInteger.valueOf(d)).shiftRight(BITS);
        }
        if (v.signum() != 0) {
            throw new IllegalStateException("δ does not fit " + count + " digits");
        }
        return digits;
    }

    private static long[] limbs(BigInteger v) {
        long[] x = new long[LIMBS];
        for (int i = 0; i < LIMBS - 1; i++) {
            x[i] = v.shiftRight(BITS * i).longValue() & MASK;
        }
        x[LIMBS - 1] = v.shiftRight(BITS * (LIMBS - 1)).longValue();
        return x;
    }
}
