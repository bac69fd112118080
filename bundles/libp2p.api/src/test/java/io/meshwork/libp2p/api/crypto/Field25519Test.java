package io.meshwork.libp2p.api.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Field25519} against BigInteger arithmetic mod p, at the limb bounds its callers rely on. */
class Field25519Test {

    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final long M51 = (1L << 51) - 1;
    private static final long MAX_INPUT = (1L << 53) - 1;

    private final SplittableRandom random = new SplittableRandom(20261126);

    private static BigInteger value(long[] limbs) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 4; i >= 0; i--) {
            v = v.shiftLeft(51).add(BigInteger.valueOf(limbs[i]));
        }
        return v;
    }

    /** A limb in [0, max]: often exactly 0, max or max − 1, otherwise uniform. */
    private long limb(long max) {
        switch (random.nextInt(6)) {
            case 0:
                return max;
            case 1:
                return max - 1;
            case 2:
                return 0;
            default:
                return random.nextLong(max + 1);
        }
    }

    private long[] element(long max) {
        long[] x = new long[5];
        for (int i = 0; i < 5; i++) {
            x[i] = limb(max);
        }
        return x;
    }

    private static void assertReduced(long[] z) {
        for (int i = 0; i < 5; i++) {
            assertTrue(z[i] >= 0 && z[i] <= (1L << 51), "limb " + i + " out of range: " + z[i]);
            if (i != 1) {
                assertTrue(z[i] <= M51, "only limb 1 may reach 2^51: limb " + i + " = " + z[i]);
            }
        }
    }

    @Test
    void multiplicationMatchesBigIntegerUpToTheInputBound() {
        long[] z = new long[5];
        for (int n = 0; n < 200_000; n++) {
            long[] x = element(n % 2 == 0 ? MAX_INPUT : M51);
            long[] y = element(n % 3 == 0 ? MAX_INPUT : M51);
            Field25519.mul(x, y, z);
            assertEquals(value(x).multiply(value(y)).mod(P), value(z).mod(P), () -> "x·y for " + value(x));
            assertReduced(z);
        }
        long[] max = {MAX_INPUT, MAX_INPUT, MAX_INPUT, MAX_INPUT, MAX_INPUT};
        Field25519.mul(max, max, z);
        assertEquals(value(max).multiply(value(max)).mod(P), value(z).mod(P));
        assertReduced(z);
    }

    @Test
    void squaringMatchesBigIntegerAndMultiplication() {
        long[] z = new long[5];
        long[] viaMul = new long[5];
        for (int n = 0; n < 200_000; n++) {
            long[] x = element(n % 2 == 0 ? MAX_INPUT : M51);
            Field25519.sqr(x, z);
            assertEquals(value(x).multiply(value(x)).mod(P), value(z).mod(P), () -> "x² for " + value(x));
            assertReduced(z);
            Field25519.mul(x, x, viaMul);
            assertArrayEquals(viaMul, z);
        }
    }

    @Test
    void aCarryPassBringsLargeLimbsBackBelowTheInputBound() {
        long[] z = new long[5];
        for (int n = 0; n < 100_000; n++) {
            long[] x = element((1L << 62) - 1);
            System.arraycopy(x, 0, z, 0, 5);
            Field25519.carry(z);
            assertEquals(value(x).mod(P), value(z).mod(P));
            assertTrue(z[0] <= (1L << 51) + (1L << 16), "limb 0: " + z[0]);
            for (int i = 1; i < 5; i++) {
                assertTrue(z[i] >= 0 && z[i] <= M51, "limb " + i + ": " + z[i]);
            }
        }
    }

    @Test
    void aTableEntryIsReadInPlace() {
        long[] table = new long[15];
        long[] x = element(MAX_INPUT);
        for (int i = 0; i < 15; i++) {
            table[i] = limb(M51);
        }
        long[] entry = new long[5];
        System.arraycopy(table, 10, entry, 0, 5);
        long[] inPlace = new long[5];
        long[] copied = new long[5];
        Field25519.mul(x, table, 10, inPlace);
        Field25519.mul(x, entry, copied);
        assertArrayEquals(copied, inPlace);
    }

    @Test
    void sumsAndDifferencesOfResultsStayValidInputs() {
        long[] a = new long[5];
        long[] b = new long[5];
        long[] sum = new long[5];
        long[] diff = new long[5];
        long[] twice = new long[5];
        long[] z = new long[5];
        for (int n = 0; n < 50_000; n++) {
            // results of multiplications, as the point addition combines them
            Field25519.mul(element(MAX_INPUT), element(MAX_INPUT), a);
            Field25519.mul(element(MAX_INPUT), element(MAX_INPUT), b);
            if (n % 7 == 0) { // the largest result limbs allowed
                a = new long[] {M51, 1L << 51, M51, M51, M51};
                b = new long[] {M51, 1L << 51, M51, M51, M51};
            }
            Field25519.apm(a, b, sum, diff);
            assertEquals(value(a).add(value(b)).mod(P), value(sum).mod(P));
            assertEquals(value(a).subtract(value(b)).mod(P), value(diff).mod(P));
            Field25519.add(a, a, twice);
            Field25519.sub(twice, b, diff); // D − C with D = 2Z
            assertEquals(value(a).shiftLeft(1).subtract(value(b)).mod(P), value(diff).mod(P));
            for (long[] operand : new long[][] {sum, diff, twice}) {
                for (long l : operand) {
                    assertTrue(l >= 0 && l <= MAX_INPUT, "operand limb out of the input range: " + l);
                }
            }
            Field25519.mul(sum, diff, z);
            assertEquals(value(sum).multiply(value(diff)).mod(P), value(z).mod(P));
        }
    }

    @Test
    void encodingIsCanonicalAndDecodingInvertsIt() {
        byte[] out = new byte[32];
        long[] back = new long[5];
        for (int n = 0; n < 100_000; n++) {
            long[] x = element(n % 2 == 0 ? (1L << 62) - 1 : M51);
            Field25519.encode(x, out, 0);
            BigInteger expected = value(x).mod(P);
            assertEquals(expected, littleEndian(out), () -> "encoding of " + value(x));
            Field25519.decode(out, 0, back);
            assertEquals(expected, value(back));
        }
        // values from p − 1 up to 2^255 + 40: the ones whose reduction needs the final subtraction of p
        for (int delta = -1; delta <= 60; delta++) {
            BigInteger v = P.add(BigInteger.valueOf(delta));
            long[] x = new long[5];
            for (int i = 0; i < 5; i++) {
                x[i] = v.shiftRight(51 * i).longValue() & M51;
            }
            x[4] = v.shiftRight(204).longValue(); // may carry the 2^255 bit, above 51 bits
            Field25519.encode(x, out, 0);
            assertEquals(v.mod(P), littleEndian(out), "encoding of p + " + delta);
        }
    }

    @Test
    void decodingIgnoresTheTopBit() {
        byte[] in = new byte[32];
        random.nextBytes(in);
        in[31] |= (byte) 0x80;
        long[] x = new long[5];
        Field25519.decode(in, 0, x);
        in[31] &= 0x7F;
        assertEquals(littleEndian(in), value(x));
    }

    private static BigInteger littleEndian(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, be);
    }
}
