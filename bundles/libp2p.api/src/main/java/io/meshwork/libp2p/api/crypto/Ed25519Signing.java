package io.meshwork.libp2p.api.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Ed25519 signing (RFC 8032 §5.1.6) in constant time, faster than BouncyCastle's: signing is the main cost of
 * publishing a gossip message, so it sets how fast a node can publish.
 *
 * <p>The nonce multiple {@code [r]B} is a sum of 52 table entries, one per signed 5-bit digit of r, with no
 * doubling: the table holds j·2^(5i)·B for every digit position i and j = 1 … 16 (832 entries of 120 bytes,
 * built once per class loader from RFC 8032's base point, in affine form). Each entry is read by scanning all 16
 * of its position under a mask, so neither a branch nor a memory address depends on r; a negative digit swaps
 * the entry's halves and the addition's F and G by mask. The point is encoded with BouncyCastle's constant-time
 * inversion, and the scalars go through {@link Ed25519Scalar}. Only the message and the public key (public data)
 * decide anything else.
 *
 * <p>Why 5-bit digits: 6-bit ones save 9 additions but scan twice the entries, 4-bit ones the other way round;
 * on a JDK 17 C2 both cost about the same as 5. Entries are rows of 15 longs (the three field elements' ten ints
 * each, two to a long), the layout whose masked scan measured fastest: the JIT does not vectorize scans this
 * short.
 *
 * <p>Signatures are identical to every other RFC 8032 implementation's (Ed25519 is deterministic):
 * {@code Ed25519SigningTest} compares them with BouncyCastle's for random keys and messages.
 */
final class Ed25519Signing {

    private static final int WIDTH = 5;
    private static final int POSITIONS = 52;
    private static final int MULTIPLES = 1 << (WIDTH - 1);
    private static final int FE = X25519Field.SIZE;
    /** longs per table entry: y+x, y−x and 2d·x·y, ten ints each, two ints to a long. */
    private static final int ENTRY = 3 * FE / 2;

    /** The expanded secret (RFC 8032 §5.1.5): the pruned scalar s and the nonce prefix, plus the public key. */
    static final class Key {
        final byte[] scalar;
        final byte[] prefix;
        final byte[] publicKey;

        /** Expands a 32-byte seed whose public key is {@code publicKey}. */
        Key(byte[] seed, byte[] publicKey) {
            SHA512Digest sha = new SHA512Digest();
            sha.update(seed, 0, seed.length);
            byte[] h = new byte[64];
            sha.doFinal(h, 0);
            scalar = Arrays.copyOfRange(h, 0, 32);
            scalar[0] &= (byte) 0xF8;
            scalar[31] &= 0x7F;
            scalar[31] |= 0x40;
            prefix = Arrays.copyOfRange(h, 32, 64);
            Arrays.fill(h, (byte) 0);
            this.publicKey = publicKey.clone();
        }
    }

    private Ed25519Signing() {
    }

    /** R ‖ S for {@code message} under {@code key}. */
    static byte[] sign(Key key, byte[] message) {
        SHA512Digest sha = new SHA512Digest();
        byte[] h = new byte[64];
        sha.update(key.prefix, 0, 32);
        sha.update(message, 0, message.length);
        sha.doFinal(h, 0);
        byte[] r = Ed25519Scalar.reduce512(h);
        byte[] signature = new byte[64];
        multiplyBase(r, signature);
        sha.update(signature, 0, 32);
        sha.update(key.publicKey, 0, 32);
        sha.update(message, 0, message.length);
        sha.doFinal(h, 0);
        byte[] s = Ed25519Scalar.mulAdd(Ed25519Scalar.reduce512(h), key.scalar, r);
        System.arraycopy(s, 0, signature, 32, 32);
        Arrays.fill(r, (byte) 0);
        Arrays.fill(s, (byte) 0);
        return signature;
    }

    /** Writes the encoding of [r]B (r below L, 32 little-endian bytes) to out[0..32). */
    static void multiplyBase(byte[] r, byte[] out) {
        long[][] table = Table.BASE;
        int[] digits = signedDigits(r);
        Sum acc = new Sum();
        long[] selected = new long[ENTRY];
        int[] entry = new int[3 * FE];
        for (int i = 0; i < POSITIONS; i++) {
            int d = digits[i];
            int negative = d >>> 31;
            select(table, i, (d ^ -negative) + negative, selected, entry);
            acc.add(entry, negative);
        }
        acc.encode(out);
        Arrays.fill(digits, 0);
    }

    /**
     * r's 52 signed digits of 5 bits, least significant first, each in [−16, 16): unsigned digits, then a carry
     * from every digit of 16 or more (computed, not branched on). r < 2^253 leaves the top digit at most 1.
     */
    static int[] signedDigits(byte[] r) {
        int[] e = new int[POSITIONS];
        for (int i = 0; i < POSITIONS; i++) {
            int bit = WIDTH * i;
            int lo = r[bit >>> 3] & 0xFF;
            int hi = (bit >>> 3) + 1 < 32 ? r[(bit >>> 3) + 1] & 0xFF : 0;
            e[i] = ((lo | hi << 8) >>> (bit & 7)) & (MULTIPLES * 2 - 1);
        }
        for (int i = 0; i < POSITIONS - 1; i++) {
            int carry = (e[i] + MULTIPLES) >>> WIDTH;
            e[i] -= carry << WIDTH;
            e[i + 1] += carry;
        }
        return e;
    }

    /**
     * Unpacks entry {@code magnitude} (0 … 16) of position {@code position} into {@code out} (30 ints), the
     * neutral point (1, 1, 0) for 0, reading all 16 entries of the position whatever the magnitude.
     */
    private static void select(long[][] table, int position, int magnitude, long[] acc, int[] out) {
        Arrays.fill(acc, 0);
        int base = position * MULTIPLES;
        for (int j = 1; j <= MULTIPLES; j++) {
            long mask = ((magnitude ^ j) - 1) >> 31;
            long[] e = table[base + j - 1];
            for (int k = 0; k < ENTRY; k++) {
                acc[k] |= e[k] & mask;
            }
        }
        for (int k = 0; k < ENTRY; k++) {
            out[2 * k] = (int) acc[k];
            out[2 * k + 1] = (int) (acc[k] >>> 32);
        }
        int neutral = ((magnitude - 1) >> 31) & 1;
        out[0] |= neutral;
        out[FE] |= neutral;
    }

    /** A point in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, x·y = T/Z, with its scratch. */
    private static final class Sum {
        final int[] x = X25519Field.create();
        final int[] y = X25519Field.create();
        final int[] z = X25519Field.create();
        final int[] t = X25519Field.create();
        private final int[] ypx = X25519Field.create();
        private final int[] ymx = X25519Field.create();
        private final int[] xy2d = X25519Field.create();
        private final int[] a = X25519Field.create();
        private final int[] b = X25519Field.create();
        private final int[] c = X25519Field.create();
        private final int[] dd = X25519Field.create();
        private final int[] e = X25519Field.create();
        private final int[] f = X25519Field.create();
        private final int[] g = X25519Field.create();
        private final int[] h = X25519Field.create();

        Sum() {
            X25519Field.one(y);
            X25519Field.one(z);
        }

        /**
         * Adds the affine entry (y+x, y−x, 2d·x·y), negated when {@code negative} is 1: −P swaps y+x with y−x and
         * flips the sign of 2d·x·y, which here swaps F and G. Twisted Edwards addition for a = −1 (Hisil, Wong,
         * Carter and Dawson, 2008), complete on this curve, so the neutral entry needs no special case.
         */
        void add(int[] entry, int negative) {
            X25519Field.copy(entry, 0, ypx, 0);
            X25519Field.copy(entry, FE, ymx, 0);
            X25519Field.copy(entry, 2 * FE, xy2d, 0);
            X25519Field.cswap(negative, ypx, ymx);
            X25519Field.apm(y, x, b, a);      // b = Y+X, a = Y−X
            X25519Field.mul(a, ymx, a);       // A
            X25519Field.mul(b, ypx, b);       // B
            X25519Field.mul(t, xy2d, c);      // C
            X25519Field.add(z, z, dd);        // D = 2Z
            X25519Field.apm(b, a, h, e);      // H = B+A, E = B−A
            X25519Field.apm(dd, c, g, f);     // G = D+C, F = D−C
            X25519Field.cswap(negative, f, g);
            X25519Field.carry(f);
            X25519Field.carry(g);
            X25519Field.mul(e, f, x);
            X25519Field.mul(g, h, y);
            X25519Field.mul(e, h, t);
            X25519Field.mul(f, g, z);
        }

        /** RFC 8032 §5.1.2 encoding. */
        void encode(byte[] out) {
            affine(b, c);
            X25519Field.encode(c, out, 0);
            out[31] |= (byte) ((b[0] & 1) << 7);
        }

        /** The point as a table entry (y+x, y−x, 2d·x·y) at out[0..30), given 2d. */
        void entry(int[] out, int[] twoD) {
            affine(b, c);
            X25519Field.apm(c, b, e, f);
            X25519Field.mul(b, c, g);
            X25519Field.mul(g, twoD, h);
            X25519Field.normalize(e);
            X25519Field.normalize(f);
            X25519Field.normalize(h);
            X25519Field.copy(e, 0, out, 0);
            X25519Field.copy(f, 0, out, FE);
            X25519Field.copy(h, 0, out, 2 * FE);
        }

        /** x and y, fully reduced, through a constant-time inversion of Z. */
        private void affine(int[] xOut, int[] yOut) {
            X25519Field.inv(z, a);
            X25519Field.mul(x, a, xOut);
            X25519Field.mul(y, a, yOut);
            X25519Field.normalize(xOut);
            X25519Field.normalize(yOut);
        }
    }

    /**
     * The base point's table, built on first use with the additions signing uses (no doubling needed: 32·P is
     * 16·P + 16·P, and the addition is complete); each entry is brought to affine form by one inversion.
     */
    private static final class Table {
        static final long[][] BASE = build();

        private static long[][] build() {
            BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
            BigInteger d = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(p)).mod(p);
            // RFC 8032 §5.1: B = (x, 4/5) with x positive
            BigInteger x = new BigInteger(
                    "15112221349535400772501151409588531511454012693041857206046113283949847762202");
            BigInteger y = new BigInteger(
                    "46316835694926478169428394003475163141307993866256225615783033603165251855960");
            int[] position = new int[3 * FE]; // 2^(5i)·B as an entry
            put(y.add(x).mod(p), position, 0);
            put(y.subtract(x).mod(p), position, FE);
            put(d.shiftLeft(1).multiply(x).multiply(y).mod(p), position, 2 * FE);
            int[] twoD = new int[FE];
            put(d.shiftLeft(1).mod(p), twoD, 0);
            long[][] table = new long[POSITIONS * MULTIPLES][];
            int[] multiple = new int[3 * FE];
            for (int i = 0; i < POSITIONS; i++) {
                Sum m = new Sum();
                for (int j = 1; j <= MULTIPLES; j++) {
                    m.add(position, 0);
                    m.entry(multiple, twoD);
                    long[] packed = new long[ENTRY];
                    for (int k = 0; k < ENTRY; k++) {
                        packed[k] = (multiple[2 * k] & 0xFFFFFFFFL) | (long) multiple[2 * k + 1] << 32;
                    }
                    table[i * MULTIPLES + j - 1] = packed;
                }
                m.add(multiple, 0); // 16·P_i + 16·P_i = 2^5·P_i
                m.entry(position, twoD);
            }
            return table;
        }

        /** {@code v} (below p) as a field element at ints[off..off+10). */
        private static void put(BigInteger v, int[] ints, int off) {
            byte[] be = v.toByteArray();
            byte[] le = new byte[32];
            for (int k = 0; k < be.length && k < 32; k++) {
                le[k] = be[be.length - 1 - k];
            }
            int[] fe = X25519Field.create();
            X25519Field.decode(le, 0, fe);
            X25519Field.copy(fe, 0, ints, off);
        }
    }
}
