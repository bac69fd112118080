package io.meshwork.libp2p.pubsub.internal.rpc;

import io.meshwork.libp2p.api.crypto.Field25519;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Ed25519 signature verification (RFC 8032 §5.1.7) built for gossip, where most signatures come from a few
 * authors: it keeps a precomputed table of multiples for each frequent author's key, which turns the costly
 * part of a verification, the variable-base scalar multiplication {@code [k]A}, into 32 additions without a
 * single doubling. A second fixed table does the same for the base point. The additions run on
 * {@link Field25519}'s 51-bit limbs, and the challenge is hashed with the JDK's intrinsified SHA-512. Verification
 * is about 5× faster than BouncyCastle's for a key with a table (about 16 µs against 76–82 µs in
 * {@code SignatureVerifyBench}), and about 10 % faster for a key without one (69 µs: a width-5 NAF, its doublings
 * and additions on {@link Field25519} too).
 *
 * <p><b>What it accepts</b> is exactly what Go's {@code crypto/ed25519}, OpenSSL 3 and BoringSSL accept (the
 * cofactorless equation, the libraries js-libp2p and go-libp2p verify with): {@code S} must be below the group
 * order L, the key must decode to a curve point (its y below p), and {@code encode([S]B − [k]A)} must equal the
 * signature's R bytes, where {@code k = SHA-512(R ‖ A ‖ M) mod L}. Small-order keys and R values are not
 * rejected by themselves (as in those libraries); a non-zero torsion difference is, so a signature accepted
 * here is accepted by them, and the other way round, except for keys whose y is not reduced mod p, which we
 * reject (our Peer IDs cannot carry them anyway). The choice between the table and the plain path never
 * changes a verdict: both compute the same point.
 *
 * <p>Variable time: it only handles public data (keys, messages, signatures).
 *
 * <p>Thread-safe. Memory is bounded: {@code maxTables} tables of 480 KiB, {@code 4 × maxTables} (at least 64)
 * decoded keys and one 480 KiB base-point table per instance. A key gets a table on its second verification
 * while it is still remembered, so a flood of one-off authors never costs a table each; the least recently used
 * table goes first.
 */
public final class Ed25519Verifier {

    /** Ed25519 signatures are 64 bytes: R (32) ‖ S (32). */
    public static final int SIGNATURE_LENGTH = 64;
    /** Ed25519 public keys are 32 bytes. */
    public static final int KEY_LENGTH = 32;

    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger ORDER = BigInteger.ONE.shiftLeft(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));
    /** The group order L as 32 little-endian bytes. */
    private static final byte[] ORDER_LE = littleEndian(ORDER);
    /** The base point's encoding (y = 4/5, x even). */
    private static final byte[] BASE_ENCODED = littleEndian(BigInteger.valueOf(4)
            .multiply(BigInteger.valueOf(5).modInverse(P)).mod(P));

    /** Width of the signed digits the base-point table is indexed by: 32 positions of 128 multiples. */
    private static final int BASE_WIDTH = 8;
    /**
     * Width of the signed digits a key's table is indexed by: 32 positions of 128 multiples, like the base point's.
     * 6 bits (43 positions of 32, 161 KiB) cost 11 more additions a verification: 29–32 µs against 25–29 µs in
     * {@code SignatureVerifyBench}, also when every call reads other entries (its {@code Varied} case).
     */
    private static final int KEY_WIDTH = 8;
    /** Width of the non-adjacent form used for keys without a table (odd multiples up to 15). */
    private static final int WNAF_WIDTH = 5;
    /** long slots of a precomputed affine entry: y+x, y−x, 2d·x·y, each in {@link Field25519} limbs. */
    private static final int ENTRY = 3 * Field25519.SIZE;

    private final int[] d = X25519Field.create();
    private final int[] d2 = X25519Field.create();
    /** 2d in {@link Field25519} limbs. */
    private final long[] d2Limbs = Field25519.create();
    /** The base point's table, in {@link Field25519} limbs: 15 longs an entry. */
    private final long[] baseTable;
    private final int maxTables;
    private final int maxKeys;
    /** Keys recently verified against (access order), with their decoded point and table if they have one. */
    private final LinkedHashMap<ByteBuffer, KeyState> keys;
    private int tables;
    private final AtomicLong tableHits = new AtomicLong();
    private final AtomicLong tableMisses = new AtomicLong();
    private final AtomicLong tablesBuilt = new AtomicLong();

    /**
     * @param maxTables most keys with a precomputed table (480 KiB each); 0 verifies every signature on the plain
     *     path
     */
    public Ed25519Verifier(int maxTables) {
        this(maxTables, Shared.BASE_TABLE);
    }

    /** {@code baseTable}: the base point's table, or null to build it. */
    private Ed25519Verifier(int maxTables, long @Nullable [] baseTable) {
        if (maxTables < 0) {
            throw new IllegalArgumentException("maxTables must not be negative: " + maxTables);
        }
        this.maxTables = maxTables;
        this.maxKeys = Math.max(64, 4 * maxTables);
        this.keys = new LinkedHashMap<>(16, 0.75f, true);
        BigInteger dValue = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
        X25519Field.decode(littleEndian(dValue), 0, d);
        byte[] twoD = littleEndian(dValue.shiftLeft(1).mod(P));
        X25519Field.decode(twoD, 0, d2);
        Field25519.decode(twoD, 0, d2Limbs);
        Point base = new Point();
        if (!decodePoint(BASE_ENCODED, 0, base)) {
            throw new IllegalStateException("base point does not decode");
        }
        this.baseTable = baseTable != null ? baseTable : buildTable(base, BASE_WIDTH);
    }

    /**
     * The base point's table, built once per class loader and shared by every verifier: it is a constant (never
     * written after it is built), and one copy instead of one per pubsub instance keeps it in the CPU's caches when
     * several nodes share a process (tests, benchmarks), and spares a restarted component rebuilding it.
     */
    private static final class Shared {
        static final long[] BASE_TABLE = new Ed25519Verifier(0, null).baseTable;
    }

    /**
     * Verifies an Ed25519 signature.
     *
     * @param publicKey the signer's 32-byte key
     * @param message the signed bytes
     * @param signature R ‖ S, 64 bytes
     * @return whether the signature is valid; malformed input is simply invalid
     */
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != KEY_LENGTH || signature.length != SIGNATURE_LENGTH
                || !lessThanOrder(signature, 32)) {
            return false;
        }
        KeyState key = keyState(publicKey);
        if (key == null) {
            return false; // not a point on the curve, or y not reduced
        }
        Workspace ws = takeWorkspace();
        try {
            byte[] k = challenge(signature, publicKey, message, ws.sha, ws.hash);
            Sum acc = ws.sum;
            acc.identity();
            // [S]B from the base table: one addition per signed 8-bit digit, no doublings
            acc.addTableMultiple(baseTable, signedDigits(signature, 32, BASE_WIDTH), BASE_WIDTH, false);
            long[] table = key.table;
            if (table != null) {
                tableHits.incrementAndGet();
                acc.addTableMultiple(table, signedDigits(k, 0, KEY_WIDTH), KEY_WIDTH, true);
            } else {
                tableMisses.incrementAndGet();
                subtractWnafMultiple(acc, key.limbs, k, ws);
            }
            acc.toPoint(ws.result, ws.encoded);
            encodePoint(ws.result, ws.encoded, ws.scratch);
            return Arrays.equals(ws.encoded, 0, 32, signature, 0, 32);
        } finally {
            releaseWorkspace(ws);
        }
    }

    // ------------------------------------------------------------------ workspaces

    /**
     * What one verification writes to: a SHA-512 state, the accumulator, field-element scratch, output buffers
     * (about 2 KiB). Verifications run on several threads at once, so each takes one from a small lock-free pool and
     * puts it back; an empty slot means a fresh one, a full slot lets it go. Allocating them per verification was
     * a fifth of a busy node's garbage.
     */
    static final class Workspace {
        /** The JDK's SHA-512: HotSpot's intrinsic hashes 400 bytes in 0.7 µs, BouncyCastle's Java in 1.8 µs. */
        final MessageDigest sha = sha512();
        final byte[] hash = new byte[64];
        final Sum sum = new Sum();
        /** The plain path's multiple [k]A, its running multiple, and cached points: 8 odd multiples and one more. */
        final Sum multiple = new Sum();
        final Sum running = new Sum();
        final long[] odd = new long[(1 << (WNAF_WIDTH - 2)) * Sum.CACHED];
        final long[] cached = new long[Sum.CACHED];
        /** The sum again, in BouncyCastle's representation, whose inversion encodes it. */
        final Point result = new Point();
        final Scratch scratch = new Scratch();
        final byte[] encoded = new byte[32];
    }

    private static final int WORKSPACES = 8;
    private final AtomicReferenceArray<Workspace> workspaces = new AtomicReferenceArray<>(WORKSPACES);

    private Workspace takeWorkspace() {
        int slot = (int) Thread.currentThread().getId() & (WORKSPACES - 1);
        Workspace ws = workspaces.getAndSet(slot, null);
        return ws != null ? ws : new Workspace();
    }

    private void releaseWorkspace(Workspace ws) {
        int slot = (int) Thread.currentThread().getId() & (WORKSPACES - 1);
        workspaces.compareAndSet(slot, null, ws);
    }

    /** Verifications done with a key's table. */
    public long tableHits() {
        return tableHits.get();
    }

    /** Verifications done on the plain path (a key seen once, or tables disabled). */
    public long tableMisses() {
        return tableMisses.get();
    }

    /** Key tables built so far (including rebuilt ones after eviction). */
    public long tablesBuilt() {
        return tablesBuilt.get();
    }

    // ------------------------------------------------------------------ key cache

    private static final class KeyState {
        final Point point;
        /** The point again, as {@link Field25519} limbs of X, Y, Z, T (20 longs), for the plain path. */
        final long[] limbs;
        volatile long @Nullable [] table;
        int uses;
        boolean building;

        KeyState(Point point) {
            this.point = point;
            this.limbs = Sum.limbsOf(point);
        }
    }

    private KeyState keyState(byte[] publicKey) {
        ByteBuffer id = ByteBuffer.wrap(publicKey); // a lookup key; the map keeps its own copy
        KeyState state;
        boolean build;
        synchronized (keys) {
            state = keys.get(id);
            if (state == null) {
                Point point = new Point();
                if (!decodePoint(publicKey, 0, point)) {
                    return null;
                }
                state = new KeyState(point);
                keys.put(ByteBuffer.wrap(publicKey.clone()), state);
                if (keys.size() > maxKeys) {
                    evictOldest();
                }
            }
            state.uses++;
            build = state.table == null && !state.building && state.uses >= 2 && maxTables > 0;
            if (build) {
                state.building = true;
            }
        }
        if (build) {
            long[] table = buildTable(state.point, KEY_WIDTH);
            synchronized (keys) {
                state.building = false;
                if (keys.get(id) == state) { // still remembered
                    state.table = table;
                    tablesBuilt.incrementAndGet();
                    if (++tables > maxTables) {
                        dropOldestTable(state);
                    }
                }
            }
        }
        return state;
    }

    private void evictOldest() {
        var it = keys.entrySet().iterator();
        KeyState eldest = it.next().getValue();
        it.remove();
        if (eldest.table != null) {
            eldest.table = null;
            tables--;
        }
    }

    private void dropOldestTable(KeyState keep) {
        for (Map.Entry<ByteBuffer, KeyState> e : keys.entrySet()) { // least recently used first
            KeyState s = e.getValue();
            if (s != keep && s.table != null) {
                s.table = null;
                s.uses = 0; // it must earn a table again
                tables--;
                return;
            }
        }
    }

    // ------------------------------------------------------------------ scalars

    /** k = SHA-512(R ‖ A ‖ M) mod L, 32 little-endian bytes. */
    private static byte[] challenge(byte[] signature, byte[] publicKey, byte[] message, MessageDigest sha,
            byte[] h) {
        sha.reset();
        sha.update(signature, 0, 32);
        sha.update(publicKey, 0, 32);
        sha.update(message, 0, message.length);
        try {
            sha.digest(h, 0, 64);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-512 refused a 64-byte output", e);
        }
        byte[] be = new byte[64];
        for (int i = 0; i < 64; i++) {
            be[i] = h[63 - i];
        }
        return littleEndian(new BigInteger(1, be).mod(ORDER));
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java platform has no SHA-512", e);
        }
    }

    /** Whether the 32 little-endian bytes at {@code off} are a number below L. */
    private static boolean lessThanOrder(byte[] b, int off) {
        for (int i = 31; i >= 0; i--) {
            int x = b[off + i] & 0xFF;
            int l = ORDER_LE[i] & 0xFF;
            if (x != l) {
                return x < l;
            }
        }
        return false; // equal to L
    }

    private static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < be.length && i < 32; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    /**
     * Recodes a scalar below 2^253 into signed digits of {@code width} bits, least significant first: digit i
     * weighs 2^(width·i) and lies in [−(2^(width−1) − 1), 2^(width−1)].
     */
    static int[] signedDigits(byte[] scalar, int off, int width) {
        int n = (256 + width - 1) / width;
        int[] digits = new int[n];
        int half = 1 << (width - 1);
        int carry = 0;
        for (int i = 0; i < n; i++) {
            int v = carry;
            int pos = i * width;
            for (int b = 0; b < width && pos + b < 256; b++) {
                int bit = pos + b;
                v += ((scalar[off + (bit >>> 3)] >>> (bit & 7)) & 1) << b;
            }
            if (v > half) {
                digits[i] = v - (1 << width);
                carry = 1;
            } else {
                digits[i] = v;
                carry = 0;
            }
        }
        if (carry != 0) {
            throw new IllegalStateException("scalar out of range");
        }
        return digits;
    }

    /** Width-w non-adjacent form of a scalar below 2^253, least significant first (257 digits, odd or 0). */
    static int[] wnaf(byte[] scalar, int width) {
        int[] words = new int[9];
        for (int i = 0; i < 32; i++) {
            words[i >>> 2] |= (scalar[i] & 0xFF) << ((i & 3) * 8);
        }
        int[] naf = new int[257];
        int mod = 1 << width;
        for (int i = 0; i < 257; i++) {
            int digit = 0;
            if ((words[0] & 1) != 0) {
                digit = words[0] & (mod - 1);
                if (digit >= mod / 2) {
                    digit -= mod;
                }
                // words -= digit (digit odd, |digit| < 2^(w-1))
                long borrow = -digit;
                for (int j = 0; j < 9 && borrow != 0; j++) {
                    long sum = (words[j] & 0xFFFFFFFFL) + borrow;
                    words[j] = (int) sum;
                    borrow = sum >> 32;
                }
            }
            naf[i] = digit;
            // words >>= 1
            for (int j = 0; j < 8; j++) {
                words[j] = (words[j] >>> 1) | (words[j + 1] << 31);
            }
            words[8] >>>= 1;
        }
        return naf;
    }

    // ------------------------------------------------------------------ points

    /** A point in extended twisted Edwards coordinates (x = X/Z, y = Y/Z, x·y = T/Z). */
    static final class Point {
        final int[] x = X25519Field.create();
        final int[] y = X25519Field.create();
        final int[] z = X25519Field.create();
        final int[] t = X25519Field.create();

        void identity() {
            X25519Field.zero(x);
            X25519Field.one(y);
            X25519Field.one(z);
            X25519Field.zero(t);
        }

        void copyFrom(Point p) {
            X25519Field.copy(p.x, 0, x, 0);
            X25519Field.copy(p.y, 0, y, 0);
            X25519Field.copy(p.z, 0, z, 0);
            X25519Field.copy(p.t, 0, t, 0);
        }
    }

    /** Temporaries of one verification (no per-operation allocation, no shared state between threads). */
    static final class Scratch {
        final int[] a = X25519Field.create();
        final int[] b = X25519Field.create();
        final int[] c = X25519Field.create();
        final int[] e = X25519Field.create();
        final int[] f = X25519Field.create();
        final int[] g = X25519Field.create();
        final int[] h = X25519Field.create();
        final int[] u = X25519Field.create();
        final int[] v = X25519Field.create();
        final int[] w = X25519Field.create();
    }

    /** Writes BouncyCastle field element {@code v}, reduced, as {@link Field25519} limbs at table[off..off+5). */
    private static void putEntryElement(int[] v, byte[] bytes, long[] table, int off) {
        X25519Field.normalize(v);
        X25519Field.encode(v, bytes, 0);
        long[] limbs = Field25519.create();
        Field25519.decode(bytes, 0, limbs);
        System.arraycopy(limbs, 0, table, off, Field25519.SIZE);
    }

    /**
     * The accumulator of the table additions, in extended coordinates on {@link Field25519} limbs (x = X/Z, y = Y/Z,
     * x·y = T/Z), with its temporaries: the additions are nearly all of a verification's time, and
     * {@link Field25519}'s multiplication is 1.4× BouncyCastle's.
     */
    static final class Sum {
        /** longs of a cached extended point: Y+X, Y−X, 2d·T, 2Z. */
        static final int CACHED = 4 * Field25519.SIZE;
        final long[] x = Field25519.create();
        final long[] y = Field25519.create();
        final long[] z = Field25519.create();
        final long[] t = Field25519.create();
        private final long[] a = Field25519.create();
        private final long[] b = Field25519.create();
        private final long[] c = Field25519.create();
        private final long[] e = Field25519.create();
        private final long[] f = Field25519.create();
        private final long[] g = Field25519.create();
        private final long[] h = Field25519.create();
        private final long[] u = Field25519.create();
        private final long[] v = Field25519.create();

        void identity() {
            Field25519.zero(x);
            Field25519.one(y);
            Field25519.one(z);
            Field25519.zero(t);
        }

        /** this ±= Σ digit_i · 2^(width·i) · P, P the point the table was built for. */
        void addTableMultiple(long[] table, int[] digits, int width, boolean negate) {
            int perPosition = 1 << (width - 1);
            for (int i = 0; i < digits.length; i++) {
                int digit = digits[i];
                if (digit != 0) {
                    add(table, (i * perPosition + Math.abs(digit) - 1) * ENTRY, false, (digit < 0) != negate);
                }
            }
        }

        /**
         * this += ±q, q at {@code q[off..]} as an affine table entry (y+x, y−x, 2d·x·y), or as a cached extended
         * point (Y+X, Y−X, 2d·T, 2Z) when {@code projective}. −q swaps y+x with y−x and negates the T term, which
         * swaps F and G (Hisil, Wong, Carter and Dawson 2008, a = −1; complete on this curve). Every input of a
         * multiplication stays below 2^53 a limb: sums and differences of two multiplication results, and D ± C.
         */
        void add(long[] q, int off, boolean projective, boolean negative) {
            int ypx = negative ? off + Field25519.SIZE : off;
            int ymx = negative ? off : off + Field25519.SIZE;
            Field25519.apm(y, x, u, v);                      // u = Y+X, v = Y−X
            Field25519.mul(v, q, ymx, a);                    // A = (Y−X)·(y−x)'
            Field25519.mul(u, q, ypx, b);                    // B = (Y+X)·(y+x)'
            Field25519.mul(t, q, off + 2 * Field25519.SIZE, c); // C = T·2d·t'
            if (projective) {
                Field25519.mul(z, q, off + 3 * Field25519.SIZE, u); // D = Z·2Z'
            } else {
                Field25519.add(z, z, u);                     // D = 2Z
            }
            Field25519.apm(b, a, h, e);                      // H = B+A, E = B−A
            if (negative) {
                Field25519.apm(u, c, f, g);                  // F = D+C, G = D−C
            } else {
                Field25519.apm(u, c, g, f);                  // G = D+C, F = D−C
            }
            Field25519.mul(e, f, x);
            Field25519.mul(g, h, y);
            Field25519.mul(e, h, t);
            Field25519.mul(f, g, z);
        }

        /** this = 2·this (RFC 8032 §5.1.4, a = −1); T is left stale unless {@code withT} (only an addition reads it). */
        void twice(boolean withT) {
            Field25519.sqr(x, a);                // A = X²
            Field25519.sqr(y, b);                // B = Y²
            Field25519.sqr(z, c);
            Field25519.add(c, c, c);             // C = 2·Z²
            Field25519.add(x, y, u);
            Field25519.sqr(u, u);                // (X+Y)²
            Field25519.apm(a, b, h, g);          // H = A+B, G = A−B
            Field25519.sub(h, u, e);             // E = H − (X+Y)²
            Field25519.add(c, g, f);             // F = C + G, up to 2^53.6 a limb:
            Field25519.carry(f);                 // carried back below 2^53
            Field25519.mul(e, f, x);
            Field25519.mul(g, h, y);
            if (withT) {
                Field25519.mul(e, h, t);
            }
            Field25519.mul(f, g, z);
        }

        /** Writes this point's cached form (Y+X, Y−X, 2d·T, 2Z) to out[off..off+20), given 2d. */
        void cache(long[] out, int off, long[] twoD) {
            Field25519.apm(y, x, u, v);
            Field25519.mul(t, twoD, c);
            Field25519.add(z, z, e);
            System.arraycopy(u, 0, out, off, Field25519.SIZE);
            System.arraycopy(v, 0, out, off + Field25519.SIZE, Field25519.SIZE);
            System.arraycopy(c, 0, out, off + 2 * Field25519.SIZE, Field25519.SIZE);
            System.arraycopy(e, 0, out, off + 3 * Field25519.SIZE, Field25519.SIZE);
        }

        /** BouncyCastle point p as {@link Field25519} limbs of X, Y, Z, T, one after the other. */
        static long[] limbsOf(Point p) {
            long[] out = new long[4 * Field25519.SIZE];
            byte[] bytes = new byte[32];
            long[] limbs = Field25519.create();
            int[][] coordinates = {p.x, p.y, p.z, p.t};
            for (int i = 0; i < coordinates.length; i++) {
                int[] reduced = X25519Field.create();
                X25519Field.copy(coordinates[i], 0, reduced, 0);
                X25519Field.normalize(reduced);
                X25519Field.encode(reduced, bytes, 0);
                Field25519.decode(bytes, 0, limbs);
                System.arraycopy(limbs, 0, out, i * Field25519.SIZE, Field25519.SIZE);
            }
            return out;
        }

        /** Sets this point from {@link #limbsOf}'s X, Y, Z, T. */
        void set(long[] xyzt) {
            System.arraycopy(xyzt, 0, x, 0, Field25519.SIZE);
            System.arraycopy(xyzt, Field25519.SIZE, y, 0, Field25519.SIZE);
            System.arraycopy(xyzt, 2 * Field25519.SIZE, z, 0, Field25519.SIZE);
            System.arraycopy(xyzt, 3 * Field25519.SIZE, t, 0, Field25519.SIZE);
        }

        /** Copies X, Y and Z into BouncyCastle's representation, whose inversion encodes the point (T unused). */
        void toPoint(Point p, byte[] bytes) {
            copyInto(x, p.x, bytes);
            copyInto(y, p.y, bytes);
            copyInto(z, p.z, bytes);
        }

        private static void copyInto(long[] from, int[] to, byte[] bytes) {
            Field25519.encode(from, bytes, 0);
            X25519Field.decode(bytes, 0, to);
        }
    }

    /** RFC 8032 §5.1.3 decoding: y below p, x from the curve equation, its sign from the top bit. */
    boolean decodePoint(byte[] encoded, int off, Point r) {
        byte[] y = Arrays.copyOfRange(encoded, off, off + 32);
        int sign = (y[31] >>> 7) & 1;
        y[31] &= 0x7F;
        if (!belowP(y)) {
            return false;
        }
        X25519Field.decode(y, 0, r.y);
        int[] u = X25519Field.create();
        int[] v = X25519Field.create();
        X25519Field.sqr(r.y, u);
        X25519Field.mul(d, u, v);
        X25519Field.subOne(u); // u = y² − 1
        X25519Field.addOne(v); // v = d·y² + 1
        if (!X25519Field.sqrtRatioVar(u, v, r.x)) {
            return false;
        }
        X25519Field.normalize(r.x);
        if (sign == 1 && X25519Field.isZeroVar(r.x)) {
            return false;
        }
        if ((r.x[0] & 1) != sign) {
            X25519Field.negate(r.x, r.x);
            X25519Field.normalize(r.x);
        }
        X25519Field.one(r.z);
        X25519Field.mul(r.x, r.y, r.t);
        return true;
    }

    private static boolean belowP(byte[] y) {
        // p = 2^255 − 19: y ≥ p only if y is 0x7FFF…FF with its low byte at least 0xED
        if (y[31] != 0x7F) {
            return true;
        }
        for (int i = 30; i >= 1; i--) {
            if (y[i] != (byte) 0xFF) {
                return true;
            }
        }
        return (y[0] & 0xFF) < 0xED;
    }

    /** RFC 8032 §5.1.2 encoding. */
    void encodePoint(Point p, byte[] out) {
        encodePoint(p, out, new Scratch());
    }

    /** RFC 8032 §5.1.2 encoding, using {@code s}'s a, b and c. */
    static void encodePoint(Point p, byte[] out, Scratch s) {
        int[] zInv = s.a;
        int[] x = s.b;
        int[] y = s.c;
        X25519Field.invVar(p.z, zInv);
        X25519Field.mul(p.x, zInv, x);
        X25519Field.mul(p.y, zInv, y);
        X25519Field.normalize(x);
        X25519Field.normalize(y);
        X25519Field.encode(y, out, 0);
        out[31] |= (byte) ((x[0] & 1) << 7);
    }

    /** r = 2·r (RFC 8032 §5.1.4 doubling for a = −1). */
    private static void doublePoint(Point r, Scratch s) {
        doublePoint(r, true, s);
    }

    /** r = 2·r; T is left stale unless {@code withT} (doubling does not read it, an addition does). */
    private static void doublePoint(Point r, boolean withT, Scratch s) {
        X25519Field.sqr(r.x, s.a);          // A = X²
        X25519Field.sqr(r.y, s.b);          // B = Y²
        X25519Field.sqr(r.z, s.c);
        X25519Field.add(s.c, s.c, s.c);     // C = 2·Z²
        X25519Field.add(r.x, r.y, s.u);
        X25519Field.sqr(s.u, s.u);          // (X + Y)²
        X25519Field.apm(s.a, s.b, s.h, s.g); // H = A + B, G = A − B
        X25519Field.sub(s.h, s.u, s.e);     // E = H − (X + Y)²
        X25519Field.carry(s.e);
        X25519Field.add(s.c, s.g, s.f);     // F = C + G
        X25519Field.carry(s.f);
        X25519Field.mul(s.e, s.f, r.x);
        X25519Field.mul(s.g, s.h, r.y);
        if (withT) {
            X25519Field.mul(s.e, s.h, r.t);
        }
        X25519Field.mul(s.f, s.g, r.z);
    }

    /**
     * r = r ± q, q given as (Y+X, Y−X, 2Z, 2d·T) when {@code projective}, or as affine (y+x, y−x, 2d·x·y) with
     * {@code qz2} null.
     */
    private static void addCached(Point r, int[] qypx, int[] qymx, int[] qxy2d, int[] qz2, boolean negate,
            Scratch s) {
        int[] ypx = negate ? qymx : qypx;
        int[] ymx = negate ? qypx : qymx;
        X25519Field.apm(r.y, r.x, s.u, s.v);    // u = Y+X, v = Y−X
        X25519Field.mul(s.v, ymx, s.a);          // A = (Y−X)·(y−x)'
        X25519Field.mul(s.u, ypx, s.b);          // B = (Y+X)·(y+x)'
        X25519Field.mul(r.t, qxy2d, s.c);        // C = T·2d·t' (sign applied below)
        if (qz2 == null) {
            X25519Field.add(r.z, r.z, s.w);      // D = 2·Z
        } else {
            X25519Field.mul(r.z, qz2, s.w);      // D = Z·2Z'
        }
        X25519Field.apm(s.b, s.a, s.h, s.e);    // H = B + A, E = B − A
        if (negate) {
            X25519Field.apm(s.w, s.c, s.f, s.g); // −q: F = D + C, G = D − C
        } else {
            X25519Field.apm(s.w, s.c, s.g, s.f); // F = D − C, G = D + C
        }
        X25519Field.carry(s.f);
        X25519Field.carry(s.g);
        X25519Field.mul(s.e, s.f, r.x);
        X25519Field.mul(s.g, s.h, r.y);
        X25519Field.mul(s.e, s.h, r.t);
        X25519Field.mul(s.f, s.g, r.z);
    }

    private void cache(Point q, int[] ypx, int[] ymx, int[] z2, int[] t2d) {
        X25519Field.apm(q.y, q.x, ypx, ymx);
        X25519Field.add(q.z, q.z, z2);
        X25519Field.mul(q.t, d2, t2d);
    }

    /**
     * acc −= [k]P by double-and-add over the width-5 NAF of k (253 doublings, about 50 additions) on
     * {@link Field25519} limbs, P given as {@link Sum#limbsOf}: the path for keys without a table.
     */
    private void subtractWnafMultiple(Sum acc, long[] p, byte[] k, Workspace ws) {
        int count = 1 << (WNAF_WIDTH - 2); // odd multiples 1P, 3P, …, 15P
        Sum m = ws.running;
        long[] odd = ws.odd;
        long[] twice = ws.cached;
        m.set(p);
        m.twice(true);
        m.cache(twice, 0, d2Limbs);
        m.set(p);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                m.add(twice, 0, true, false);
            }
            m.cache(odd, i * Sum.CACHED, d2Limbs);
        }
        int[] naf = wnaf(k, WNAF_WIDTH);
        int top = naf.length - 1;
        while (top >= 0 && naf[top] == 0) {
            top--;
        }
        Sum r = ws.multiple;
        r.identity();
        for (int i = top; i >= 0; i--) {
            int digit = naf[i];
            r.twice(digit != 0 || i == 0);
            if (digit != 0) {
                r.add(odd, ((Math.abs(digit) - 1) >>> 1) * Sum.CACHED, true, digit < 0);
            }
        }
        r.cache(twice, 0, d2Limbs);
        acc.add(twice, 0, true, true);
    }

    /**
     * The table of j · 2^(width·i) · P for every digit position i and j = 1 … 2^(width−1), as affine entries
     * (y+x, y−x, 2d·x·y) in {@link Field25519} limbs, normalised with one shared inversion.
     */
    private long[] buildTable(Point p, int width) {
        int positions = (256 + width - 1) / width;
        int perPosition = 1 << (width - 1);
        int n = positions * perPosition;
        Scratch s = new Scratch();
        Point[] points = new Point[n];
        Point base = new Point();
        base.copyFrom(p);
        int[] bYpx = X25519Field.create();
        int[] bYmx = X25519Field.create();
        int[] bZ2 = X25519Field.create();
        int[] bT2d = X25519Field.create();
        for (int i = 0; i < positions; i++) {
            cache(base, bYpx, bYmx, bZ2, bT2d);
            Point m = new Point();
            m.copyFrom(base);
            for (int j = 0; j < perPosition; j++) {
                if (j > 0) {
                    addCached(m, bYpx, bYmx, bT2d, bZ2, false, s);
                }
                Point copy = new Point();
                copy.copyFrom(m);
                points[i * perPosition + j] = copy;
            }
            // next base = 2^width · base
            for (int b = 0; b < width; b++) {
                doublePoint(base, s);
            }
        }
        // batch inversion of all Z (Montgomery's trick)
        int[][] prefix = new int[n][];
        int[] running = X25519Field.create();
        X25519Field.one(running);
        for (int i = 0; i < n; i++) {
            X25519Field.mul(running, points[i].z, running);
            prefix[i] = X25519Field.create();
            X25519Field.copy(running, 0, prefix[i], 0);
        }
        int[] inv = X25519Field.create();
        X25519Field.invVar(running, inv);
        long[] table = new long[n * ENTRY];
        byte[] bytes = new byte[32];
        int[] zInv = X25519Field.create();
        int[] x = X25519Field.create();
        int[] y = X25519Field.create();
        int[] tmp = X25519Field.create();
        for (int i = n - 1; i >= 0; i--) {
            if (i > 0) {
                X25519Field.mul(inv, prefix[i - 1], zInv);
                X25519Field.mul(inv, points[i].z, inv);
            } else {
                X25519Field.copy(inv, 0, zInv, 0);
            }
            X25519Field.mul(points[i].x, zInv, x);
            X25519Field.mul(points[i].y, zInv, y);
            int off = i * ENTRY;
            X25519Field.add(y, x, tmp);
            putEntryElement(tmp, bytes, table, off);
            X25519Field.sub(y, x, tmp);
            putEntryElement(tmp, bytes, table, off + Field25519.SIZE);
            X25519Field.mul(x, y, tmp);
            X25519Field.mul(tmp, d2, tmp);
            putEntryElement(tmp, bytes, table, off + 2 * Field25519.SIZE);
        }
        return table;
    }
}
