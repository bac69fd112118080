package io.meshwork.libp2p.api.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Ed25519Scalar} against BigInteger, on random numbers and on the extremes of every input. */
class Ed25519ScalarTest {

    private static final BigInteger L = Ed25519Scalar.ORDER;

    @Test
    void reduce512MatchesBigIntegerOnRandomAndExtremeInputs() {
        List<BigInteger> inputs = new ArrayList<>();
        BigInteger max = BigInteger.ONE.shiftLeft(512).subtract(BigInteger.ONE);
        for (BigInteger v : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, L.subtract(BigInteger.ONE), L,
                L.add(BigInteger.ONE), L.shiftLeft(1), L.multiply(L), max, max.subtract(L),
                BigInteger.ONE.shiftLeft(252), BigInteger.ONE.shiftLeft(253).subtract(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(511), max.divide(L).multiply(L), max.divide(L).multiply(L).subtract(BigInteger.ONE)}) {
            inputs.add(v);
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50_000; i++) {
            inputs.add(randomBits(random, 1 + random.nextInt(512)));
        }
        // limbs all at their maximum or zero, in runs, to push every fold to its bound
        for (int i = 0; i < 2_000; i++) {
            BigInteger v = BigInteger.ZERO;
            for (int limb = 0; limb < 25; limb++) {
                if (random.nextBoolean()) {
                    v = v.or(BigInteger.ONE.shiftLeft(21).subtract(BigInteger.ONE).shiftLeft(21 * limb));
                }
            }
            inputs.add(v.and(max));
        }
        for (BigInteger v : inputs) {
            assertEquals(v.mod(L), fromLittleEndian(Ed25519Scalar.reduce512(toLittleEndian(v, 64))), v::toString);
        }
    }

    @Test
    void mulAddMatchesBigInteger() {
        SplittableRandom random = new SplittableRandom(2);
        BigInteger top = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        List<BigInteger[]> cases = new ArrayList<>();
        cases.add(new BigInteger[] {top, top, top});
        cases.add(new BigInteger[] {BigInteger.ZERO, top, top});
        cases.add(new BigInteger[] {L.subtract(BigInteger.ONE), L.subtract(BigInteger.ONE), L.subtract(BigInteger.ONE)});
        for (int i = 0; i < 50_000; i++) {
            cases.add(new BigInteger[] {randomBits(random, 256), randomBits(random, 256), randomBits(random, 256)});
        }
        for (BigInteger[] c : cases) {
            BigInteger expected = c[0].multiply(c[1]).add(c[2]).mod(L);
            byte[] got = Ed25519Scalar.mulAdd(toLittleEndian(c[0], 32), toLittleEndian(c[1], 32),
                    toLittleEndian(c[2], 32));
            assertEquals(expected, fromLittleEndian(got), () -> c[0] + " " + c[1] + " " + c[2]);
        }
    }

    @Test
    void wrongLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Ed25519Scalar.reduce512(new byte[63]));
        assertThrows(IllegalArgumentException.class,
                () -> Ed25519Scalar.mulAdd(new byte[31], new byte[32], new byte[32]));
    }

    static BigInteger randomBits(SplittableRandom random, int bits) {
        byte[] b = new byte[(bits + 7) / 8];
        random.nextBytes(b);
        return new BigInteger(1, b).shiftRight(b.length * 8 - bits);
    }

    static byte[] toLittleEndian(BigInteger v, int length) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[length];
        for (int i = 0; i < be.length && i < length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    static BigInteger fromLittleEndian(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, be);
    }
}
