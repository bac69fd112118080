package io.meshwork.libp2p.api.crypto;

/**
 * Arithmetic in GF(2^255 − 19) on five unsigned 51-bit limbs ({@code long[5]}, value = Σ limb_i · 2^(51·i)), for
 * the point additions of Ed25519 signing (here) and of the pubsub bundle's verifier: they spend nearly all their time
 * in field multiplications, and this one takes 25 ns on a JDK 17 C2 where BouncyCastle's ten 25.5-bit limbs take 35
 * (a point addition's mix of seven multiplications and five additions: 201 against 271 ns). A low-level building
 * block for the libp2p bundles' Ed25519 code, public only so that they can share it; applications have no use
 * for it.
 *
 * <p><b>How a product is formed.</b> Each of the 25 limb products is 106 bits at most. Java has no 128-bit
 * accumulator, so a column keeps two 64-bit sums: H, the sum of every product's part above bit 51, and L, the sum of
 * the products' low 64 bits multiplied by 8. With a < 2^53 and b < 2^53, {@code Math.multiplyHigh(a << 10, b << 3)}
 * is exactly ⌊a·b / 2^51⌋, and {@code a · (b << 3)} is 8·a·b mod 2^64; the sum of the products' low 51-bit parts
 * is then exactly {@code (L − (H << 54)) >>> 3} (it is below 5·2^51, so nothing is lost mod 2^64), with no test for
 * an unsigned carry. Terms that wrap past 2^255 are multiplied by 19 in the second operand, which stays below 2^63.
 * One carry chain, folding its top carry back times 19, ends the multiplication. All of it is branch-free and uses
 * no table, so the time does not depend on the values.
 *
 * <p><b>Bounds.</b> {@link #mul} accepts limbs in [0, 2^53) and returns limbs in [0, 2^51] (only limb 1 may equal
 * 2^51). {@link #sub} returns x + 2p − y, so it never goes negative: with y a multiplication's result and x below
 * 2^52 per limb (a sum of two results, or one result doubled), the difference is a valid input of {@link #mul}
 * again. Sums of two results are valid inputs too; nothing in between needs a carry. {@code Field25519Test} checks
 * every operation against BigInteger at these bounds.
 */
public final class Field25519 {

    /** Limbs of an element. */
    public static final int SIZE = 5;
    private static final long M = (1L << 51) - 1;
    /** 2p = 2^256 − 38 as limbs: 2^52 − 38, then four times 2^52 − 2. */
    private static final long TWO_P_0 = (1L << 52) - 38;
    private static final long TWO_P_N = (1L << 52) - 2;

    private Field25519() {
    }

    public static long[] create() {
        return new long[SIZE];
    }

    /** z = x · y mod p; x, y with limbs below 2^53; z may be x or y. */
    public static void mul(long[] x, long[] y, long[] z) {
        mul(x, y, 0, z);
    }

    /** z = x · y[yOff..yOff+5) mod p (a table entry read in place). */
    public static void mul(long[] x, long[] y, int yOff, long[] z) {
        long a0 = x[0];
        long a1 = x[1];
        long a2 = x[2];
        long a3 = x[3];
        long a4 = x[4];
        long b0 = y[yOff] << 3;
        long b1 = y[yOff + 1] << 3;
        long b2 = y[yOff + 2] << 3;
        long b3 = y[yOff + 3] << 3;
        long b4 = y[yOff + 4] << 3;
        long c1 = b1 * 19;
        long c2 = b2 * 19;
        long c3 = b3 * 19;
        long c4 = b4 * 19;
        long s0 = a0 << 10;
        long s1 = a1 << 10;
        long s2 = a2 << 10;
        long s3 = a3 << 10;
        long s4 = a4 << 10;

        long h0 = Math.multiplyHigh(s0, b0) + Math.multiplyHigh(s1, c4) + Math.multiplyHigh(s2, c3)
                + Math.multiplyHigh(s3, c2) + Math.multiplyHigh(s4, c1);
        long l0 = a0 * b0 + a1 * c4 + a2 * c3 + a3 * c2 + a4 * c1;
        long h1 = Math.multiplyHigh(s0, b1) + Math.multiplyHigh(s1, b0) + Math.multiplyHigh(s2, c4)
                + Math.multiplyHigh(s3, c3) + Math.multiplyHigh(s4, c2);
        long l1 = a0 * b1 + a1 * b0 + a2 * c4 + a3 * c3 + a4 * c2;
        long h2 = Math.multiplyHigh(s0, b2) + Math.multiplyHigh(s1, b1) + Math.multiplyHigh(s2, b0)
                + Math.multiplyHigh(s3, c4) + Math.multiplyHigh(s4, c3);
        long l2 = a0 * b2 + a1 * b1 + a2 * b0 + a3 * c4 + a4 * c3;
        long h3 = Math.multiplyHigh(s0, b3) + Math.multiplyHigh(s1, b2) + Math.multiplyHigh(s2, b1)
                + Math.multiplyHigh(s3, b0) + Math.multiplyHigh(s4, c4);
        long l3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * c4;
        long h4 = Math.multiplyHigh(s0, b4) + Math.multiplyHigh(s1, b3) + Math.multiplyHigh(s2, b2)
                + Math.multiplyHigh(s3, b1) + Math.multiplyHigh(s4, b0);
        long l4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;

        finish(h0, l0, h1, l1, h2, l2, h3, l3, h4, l4, z);
    }

    /** z = x² mod p, x with limbs below 2^53 (15 limb products instead of 25); z may be x. */
    public static void sqr(long[] x, long[] z) {
        long a0 = x[0];
        long a1 = x[1];
        long a2 = x[2];
        long a3 = x[3];
        long a4 = x[4];
        long s0 = a0 << 10;
        long s1 = a1 << 10;
        long s2 = a2 << 10;
        long s3 = a3 << 10;
        long s4 = a4 << 10;
        long a0x8 = a0 << 3;
        long a1x8 = a1 << 3;
        long a2x8 = a2 << 3;
        long a1x16 = a1 << 4; // 8 · 2a: the doubled cross products
        long a2x16 = a2 << 4;
        long a3x16 = a3 << 4;
        long a4x16 = a4 << 4;
        long a3x152 = a3 * 152; // 8 · 19a: wrapped squares
        long a4x152 = a4 * 152;
        long a3x304 = a3x152 << 1; // 8 · 38a: wrapped cross products
        long a4x304 = a4x152 << 1;

        long h0 = Math.multiplyHigh(s0, a0x8) + Math.multiplyHigh(s1, a4x304) + Math.multiplyHigh(s2, a3x304);
        long l0 = a0 * a0x8 + a1 * a4x304 + a2 * a3x304;
        long h1 = Math.multiplyHigh(s0, a1x16) + Math.multiplyHigh(s2, a4x304) + Math.multiplyHigh(s3, a3x152);
        long l1 = a0 * a1x16 + a2 * a4x304 + a3 * a3x152;
        long h2 = Math.multiplyHigh(s0, a2x16) + Math.multiplyHigh(s1, a1x8) + Math.multiplyHigh(s3, a4x304);
        long l2 = a0 * a2x16 + a1 * a1x8 + a3 * a4x304;
        long h3 = Math.multiplyHigh(s0, a3x16) + Math.multiplyHigh(s1, a2x16) + Math.multiplyHigh(s4, a4x152);
        long l3 = a0 * a3x16 + a1 * a2x16 + a4 * a4x152;
        long h4 = Math.multiplyHigh(s0, a4x16) + Math.multiplyHigh(s1, a3x16) + Math.multiplyHigh(s2, a2x8);
        long l4 = a0 * a4x16 + a1 * a3x16 + a2 * a2x8;
        finish(h0, l0, h1, l1, h2, l2, h3, l3, h4, l4, z);
    }

    /**
     * Ends a product: column k is h_k · 2^51 plus the sum of its products' low 51-bit parts, (l_k − (h_k << 54))
     * >>> 3; h_k moves one column up, and h4 wraps to column 0 times 19; then one carry chain.
     */
    private static void finish(long h0, long l0, long h1, long l1, long h2, long l2, long h3, long l3, long h4,
            long l4, long[] z) {
        long r0 = ((l0 - (h0 << 54)) >>> 3) + h4 * 19;
        long r1 = ((l1 - (h1 << 54)) >>> 3) + h0;
        long r2 = ((l2 - (h2 << 54)) >>> 3) + h1;
        long r3 = ((l3 - (h3 << 54)) >>> 3) + h2;
        long r4 = ((l4 - (h4 << 54)) >>> 3) + h3;
        r1 += r0 >>> 51;
        r0 &= M;
        r2 += r1 >>> 51;
        r1 &= M;
        r3 += r2 >>> 51;
        r2 &= M;
        r4 += r3 >>> 51;
        r3 &= M;
        r0 += (r4 >>> 51) * 19;
        r4 &= M;
        r1 += r0 >>> 51;
        r0 &= M;
        z[0] = r0;
        z[1] = r1;
        z[2] = r2;
        z[3] = r3;
        z[4] = r4;
    }

    /** One carry pass in place: limbs below 2^62 become at most 2^51 (limb 0 at most 2^51 + 2^16). */
    public static void carry(long[] z) {
        for (int i = 0; i < SIZE - 1; i++) {
            z[i + 1] += z[i] >>> 51;
            z[i] &= M;
        }
        z[0] += (z[SIZE - 1] >>> 51) * 19;
        z[SIZE - 1] &= M;
    }

    /** z = x + y (no carry). */
    public static void add(long[] x, long[] y, long[] z) {
        for (int i = 0; i < SIZE; i++) {
            z[i] = x[i] + y[i];
        }
    }

    /** z = x + 2p − y (no carry): y's limbs at most 2^52 − 38, as a multiplication's result's are. */
    public static void sub(long[] x, long[] y, long[] z) {
        z[0] = x[0] + TWO_P_0 - y[0];
        for (int i = 1; i < SIZE; i++) {
            z[i] = x[i] + TWO_P_N - y[i];
        }
    }

    /** sum = x + y, diff = x + 2p − y; the outputs may not alias the inputs. */
    public static void apm(long[] x, long[] y, long[] sum, long[] diff) {
        sum[0] = x[0] + y[0];
        diff[0] = x[0] + TWO_P_0 - y[0];
        for (int i = 1; i < SIZE; i++) {
            sum[i] = x[i] + y[i];
            diff[i] = x[i] + TWO_P_N - y[i];
        }
    }

    /** Swaps a and b when {@code swap} is 1, leaves them when it is 0, in constant time. */
    public static void cswap(int swap, long[] a, long[] b) {
        long mask = -(long) swap;
        for (int i = 0; i < SIZE; i++) {
            long d = mask & (a[i] ^ b[i]);
            a[i] ^= d;
            b[i] ^= d;
        }
    }

    public static void zero(long[] z) {
        for (int i = 0; i < SIZE; i++) {
            z[i] = 0;
        }
    }

    public static void one(long[] z) {
        zero(z);
        z[0] = 1;
    }

    /** The 255 low bits of {@code in[off..off+32)} (little-endian; bit 255 ignored), not necessarily below p. */
    public static void decode(byte[] in, int off, long[] z) {
        long w0 = word(in, off);
        long w1 = word(in, off + 8);
        long w2 = word(in, off + 16);
        long w3 = word(in, off + 24);
        z[0] = w0 & M;
        z[1] = ((w0 >>> 51) | (w1 << 13)) & M;
        z[2] = ((w1 >>> 38) | (w2 << 26)) & M;
        z[3] = ((w2 >>> 25) | (w3 << 39)) & M;
        z[4] = (w3 >>> 12) & M;
    }

    /**
     * The canonical 32-byte little-endian encoding of x mod p (x's limbs below 2^62), written to out[off..off+32).
     * Branch-free, with fixed trip counts.
     */
    public static void encode(long[] x, byte[] out, int off) {
        long[] h = x.clone();
        // two carry passes leave limbs 1-4 below 2^51 and limb 0 below 2^51 + 19: the value is below 2^255 + 2^52 < 2p
        carry(h);
        carry(h);
        // q = 1 exactly when the value is at least p, i.e. when value + 19 reaches 2^255
        long q = (h[0] + 19) >>> 51;
        for (int i = 1; i < SIZE; i++) {
            q = (h[i] + q) >>> 51;
        }
        h[0] += 19 * q;
        for (int i = 0; i < SIZE - 1; i++) {
            h[i + 1] += h[i] >>> 51;
            h[i] &= M;
        }
        h[SIZE - 1] &= M; // drops the 2^255 that value + 19 − 2^255 = value − p carried out
        putWord(out, off, h[0] | (h[1] << 51));
        putWord(out, off + 8, (h[1] >>> 13) | (h[2] << 38));
        putWord(out, off + 16, (h[2] >>> 26) | (h[3] << 25));
        putWord(out, off + 24, (h[3] >>> 39) | (h[4] << 12));
    }

    private static long word(byte[] b, int off) {
        long w = 0;
        for (int i = 7; i >= 0; i--) {
            w = (w << 8) | (b[off + i] & 0xFF);
        }
        return w;
    }

    private static void putWord(byte[] b, int off, long w) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (w >>> (8 * i));
        }
    }
}
