package io.meshwork.libp2p.api.crypto;

import java.math.BigInteger;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Ed25519 signing (RFC 8032 §5.1.6) in constant time, faster than BouncyCastle's: signing is the main cost of
 * publishing a gossip message, so it sets how fast a node can publish.
 *
 * <p>The nonce multiple {@code [r]B} is a sum of 52 table entries, one per signed 5-bit digit of r, with no
 * doubling: the table holds j·2^(5i)·B for every digit position i and j = 1 … 16 (832 entries of 120 bytes,
 * built once per class loader from RFC 8032's base point, in affine form). Each entry is read by scanning all 16
 * of its position under a mask, so neither a branch nor a memory address depends on r; a negative digit swaps
 * the entry's halves and the addition's F and G by mask. The additions run on {@link Field25519}'s 51-bit limbs,
 * whose branch-free multiplication is 1.4× BouncyCastle's; the point is encoded with BouncyCastle's constant-time
 * inversion, and the scalars go through {@link Ed25519Scalar}. Only the message and the public key (public data)
 * decide anything else. SHA-512 is the JDK's, which HotSpot compiles to its vectorised intrinsic on x86-64 and
 * AArch64: 0.7 µs for a 400-byte input against BouncyCastle's 1.8 µs, and signing hashes twice.
 *
 * <p>Why 5-bit digits: 6-bit ones save 9 additions but scan twice the entries, 4-bit ones the other way round;
 * on a JDK 17 C2 both cost about the same as 5. Entries are rows of 15 longs (the three field elements' five
 * limbs each): rows of longs were the layout whose masked scan measured fastest, as the JIT does not vectorize
 * scans this short.
 *
 * <p>Signatures are identical to every other RFC 8032 implementation's (Ed25519 is deterministic):
 * {@code Ed25519SigningTest} compares them with BouncyCastle's for random keys and messages.
 */
final class Ed25519Signing {

    private static final int WIDTH = 5;
    private static final int POSITIONS = 52;
    private static final int MULTIPLES = 1 << (WIDTH - 1);
    private static final int FE = Field25519.SIZE;
    /** longs per table entry: y+x, y−x and 2d·x·y, five {@link Field25519} limbs each. */
    private static final int ENTRY = 3 * FE;

    /** The expanded secret (RFC 8032 §5.1.5): the pruned scalar s and the nonce prefix, plus the public key. */
    static final class Key {
        final byte[] scalar;
        final byte[] prefix;
        final byte[] publicKey;

        /** Expands a 32-byte seed whose public key is {@code publicKey}. */
        Key(byte[] seed, byte[] publicKey) {
            MessageDigest sha = sha512();
            sha.update(seed, 0, seed.length);
            byte[] h = new byte[64];
            digest(sha, h);
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
        MessageDigest sha = sha512();
        byte[] h = new byte[64];
        sha.update(key.prefix, 0, 32);
        sha.update(message, 0, message.length);
        digest(sha, h);
        byte[] r = Ed25519Scalar.reduce512(h);
        byte[] signature = new byte[64];
        multiplyBase(r, signature);
        sha.update(signature, 0, 32);
        sha.update(key.publicKey, 0, 32);
        sha.update(message, 0, message.length);
        digest(sha, h);
        byte[] s = Ed25519Scalar.mulAdd(Ed25519Scalar.reduce512(h), key.scalar, r);
        System.arraycopy(s, 0, signature, 32, 32);
        Arrays.fill(r, (byte) 0);
        Arrays.fill(s, (byte) 0);
        return signature;
    }

    /** A fresh SHA-512 (every Java platform has one; a lookup costs about 30 ns once warm). */
    static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java platform has no SHA-512", e);
        }
    }

    /** Finishes {@code sha} into {@code out[0..64)}, which resets it. */
    static void digest(MessageDigest sha, byte[] out) {
        try {
            sha.digest(out, 0, 64);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-512 refused a 64-byte output", e);
        }
    }

    /** Writes the encoding of [r]B (r below L, 32 little-endian bytes) to out[0..32). */
    static void multiplyBase(byte[] r, byte[] out) {
        long[][] table = Table.BASE;
        int[] digits = signedDigits(r);
        Sum acc = new Sum();
        long[] entry = new long[ENTRY];
        for (int i = 0; i < POSITIONS; i++) {
            int d = digits[i];
            int negative = d >>> 31;
            select(table, i, (d ^ -negative) + negative, entry);
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
     * Copies entry {@code magnitude} (0 … 16) of position {@code position} into {@code out} (15 longs), the
     * neutral point (1, 1, 0) for 0, reading all 16 entries of the position whatever the magnitude.
     */
    private static void select(long[][] table, int position, int magnitude, long[] out) {
        Arrays.fill(out, 0);
        int base = position * MULTIPLES;
        for (int j = 1; j <= MULTIPLES; j++) {
            long mask = ((magnitude ^ j) - 1) >> 31;
            long[] e = table[base + j - 1];
            for (int k = 0; k < ENTRY; k++) {
                out[k] |= e[k] & mask;
            }
        }
        long neutral = ((magnitude - 1) >> 31) & 1;
        out[0] |= neutral;
        out[FE] |= neutral;
    }

    /**
     * A point in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, x·y = T/Z, on {@link Field25519} limbs (whose
     * multiplication is 1.4× BouncyCastle's), with its scratch.
     */
    private static final class Sum {
        final long[] x = Field25519.create();
        final long[] y = Field25519.create();
        final long[] z = Field25519.create();
        final long[] t = Field25519.create();
        private final long[] ypx = Field25519.create();
        private final long[] ymx = Field25519.create();
        private final long[] xy2d = Field25519.create();
        private final long[] a = Field25519.create();
        private final long[] b = Field25519.create();
        private final long[] c = Field25519.create();
        private final long[] dd = Field25519.create();
        private final long[] e = Field25519.create();
        private final long[] f = Field25519.create();
        private final long[] g = Field25519.create();
        private final long[] h = Field25519.create();

        Sum() {
            Field25519.one(y);
            Field25519.one(z);
        }

        /**
         * Adds the affine entry (y+x, y−x, 2d·x·y), negated when {@code negative} is 1: −P swaps y+x with y−x and
         * flips the sign of 2d·x·y, which here swaps F and G. Twisted Edwards addition for a = −1 (Hisil, Wong,
         * Carter and Dawson, 2008), complete on this curve, so the neutral entry needs no special case. Every
         * multiplication's inputs stay below 2^53 a limb, as {@link Field25519#mul} requires.
         */
        void add(long[] entry, int negative) {
            System.arraycopy(entry, 0, ypx, 0, FE);
            System.arraycopy(entry, FE, ymx, 0, FE);
            System.arraycopy(entry, 2 * FE, xy2d, 0, FE);
            Field25519.cswap(negative, ypx, ymx);
            Field25519.apm(y, x, b, a);      // b = Y+X, a = Y−X
            Field25519.mul(a, ymx, a);       // A
            Field25519.mul(b, ypx, b);       // B
            Field25519.mul(t, xy2d, c);      // C
            Field25519.add(z, z, dd);        // D = 2Z
            Field25519.apm(b, a, h, e);      // H = B+A, E = B−A
            Field25519.apm(dd, c, g, f);     // G = D+C, F = D−C
            Field25519.cswap(negative, f, g);
            Field25519.mul(e, f, x);
            Field25519.mul(g, h, y);
            Field25519.mul(e, h, t);
            Field25519.mul(f, g, z);
        }

        /** RFC 8032 §5.1.2 encoding. */
        void encode(byte[] out) {
            byte[] xBytes = new byte[32];
            affine(xBytes, out);
            out[31] |= (byte) ((xBytes[0] & 1) << 7);
        }

        /** The point as a table entry (y+x, y−x, 2d·x·y) at out[0..15), given 2d, each element reduced. */
        void entry(long[] out, long[] twoD) {
            byte[] xBytes = new byte[32];
            byte[] yBytes = new byte[32];
            affine(xBytes, yBytes);
            Field25519.decode(xBytes, 0, a);
            Field25519.decode(yBytes, 0, b);
            Field25519.apm(b, a, e, f);
            Field25519.mul(a, b, g);
            Field25519.mul(g, twoD, h);
            for (long[] v : new long[][] {e, f, h}) {
                Field25519.encode(v, xBytes, 0);
                Field25519.decode(xBytes, 0, v);
            }
            System.arraycopy(e, 0, out, 0, FE);
            System.arraycopy(f, 0, out, FE, FE);
            System.arraycopy(h, 0, out, 2 * FE, FE);
        }

        /**
         * The canonical encodings of x and y (without the sign bit), through BouncyCastle's constant-time inversion
         * of Z; the conversions between the two representations go through bytes and are constant time too.
         */
        private void affine(byte[] xOut, byte[] yOut) {
            byte[] bytes = new byte[32];
            int[] zBc = X25519Field.create();
            int[] zInv = X25519Field.create();
            Field25519.encode(z, bytes, 0);
            X25519Field.decode(bytes, 0, zBc);
            X25519Field.inv(zBc, zInv);
            X25519Field.normalize(zInv);
            X25519Field.encode(zInv, bytes, 0);
            Field25519.decode(bytes, 0, c);
            Field25519.mul(x, c, a);
            Field25519.mul(y, c, b);
            Field25519.encode(a, xOut, 0);
            Field25519.encode(b, yOut, 0);
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
            long[] position = new long[ENTRY]; // 2^(5i)·B as an entry
            put(y.add(x).mod(p), position, 0);
            put(y.subtract(x).mod(p), position, FE);
            put(d.shiftLeft(1).multiply(x).multiply(y).mod(p), position, 2 * FE);
            long[] twoD = new long[FE];
            put(d.shiftLeft(1).mod(p), twoD, 0);
            long[][] table = new long[POSITIONS * MULTIPLES][];
            long[] multiple = new long[ENTRY];
            for (int i = 0; i < POSITIONS; i++) {
                Sum m = new Sum();
                for (int j = 1; j <= MULTIPLES; j++) {
                    m.add(position, 0);
                    m.entry(multiple, twoD);
                    table[i * MULTIPLES + j - 1] = multiple.clone();
                }
                m.add(multiple, 0); // 16·P_i + 16·P_i = 2^5·P_i
                m.entry(position, twoD);
            }
            return table;
        }

        /** {@code v} (below p) as a field element at limbs[off..off+5). */
        private static void put(BigInteger v, long[] limbs, int off) {
            byte[] be = v.toByteArray();
            byte[] le = new byte[32];
            for (int k = 0; k < be.length && k < 32; k++) {
                le[k] = be[be.length - 1 - k];
            }
            long[] fe = Field25519.create();
            Field25519.decode(le, 0, fe);
            System.arraycopy(fe, 0, limbs, off, FE);
        }
    }
}
