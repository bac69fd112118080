package io.meshwork.libp2p.api.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/** {@link Ed25519Signing}: RFC 8032's vectors, and the same bytes as BouncyCastle for random keys and messages. */
class Ed25519SigningTest {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 §7.1, TEST 1, 2, 3 and SHA(abc): secret key, public key, message, signature. */
    private static final String[][] RFC8032 = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
        {"833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
    };

    @Test
    void rfc8032Vectors() {
        for (String[] v : RFC8032) {
            Ed25519Signing.Key key = new Ed25519Signing.Key(HEX.parseHex(v[0]), HEX.parseHex(v[1]));
            assertEquals(v[3], HEX.formatHex(Ed25519Signing.sign(key, HEX.parseHex(v[2]))), v[0]);
        }
    }

    @Test
    void sameSignaturesAsBouncyCastleForRandomKeysAndMessages() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2_000; i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            Ed25519PrivateKeyParameters bc = new Ed25519PrivateKeyParameters(seed, 0);
            Ed25519Signing.Key key = new Ed25519Signing.Key(seed, bc.generatePublicKey().getEncoded());
            for (int m = 0; m < 3; m++) {
                byte[] message = new byte[random.nextInt(m == 0 ? 8 : 700)];
                random.nextBytes(message);
                Ed25519Signer signer = new Ed25519Signer();
                signer.init(true, bc);
                signer.update(message, 0, message.length);
                assertArrayEquals(signer.generateSignature(), Ed25519Signing.sign(key, message));
            }
        }
    }

    @Test
    void everyDigitMagnitudeAndSignGivesTheRightMultipleOfTheBase() {
        // r = j·2^(5i) for every position i and j in ±1..16 reaches each table entry and its negation; the reference
        // walks the same multiples with plain affine additions
        BigInteger order = Ed25519Scalar.ORDER;
        BigInteger[] position = BASE;
        for (int i = 0; i < 52; i++) {
            BigInteger[] multiple = position;
            for (int j = 1; j <= 16; j++) {
                for (int sign : new int[] {1, -1}) {
                    BigInteger r = BigInteger.valueOf((long) sign * j).shiftLeft(5 * i).mod(order);
                    byte[] out = new byte[32];
                    Ed25519Signing.multiplyBase(Ed25519ScalarTest.toLittleEndian(r, 32), out);
                    BigInteger[] expected = sign > 0 ? multiple : new BigInteger[] {P.subtract(multiple[0]).mod(P),
                        multiple[1]};
                    assertArrayEquals(encode(expected), out, "position " + i + ", multiple " + sign * j);
                }
                multiple = add(multiple, position);
            }
            for (int k = 0; k < 5; k++) {
                position = add(position, position);
            }
        }
        SplittableRandom random = new SplittableRandom(4);
        for (int n = 0; n < 50; n++) {
            BigInteger r = Ed25519ScalarTest.randomBits(random, 253).mod(order);
            byte[] out = new byte[32];
            Ed25519Signing.multiplyBase(Ed25519ScalarTest.toLittleEndian(r, 32), out);
            assertArrayEquals(encode(multiply(r)), out, r::toString);
        }
    }

    @Test
    void signedDigitsRecombineToTheScalarAndStayInRange() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n = 0; n < 10_000; n++) {
            BigInteger r = Ed25519ScalarTest.randomBits(random, 253);
            int[] digits = Ed25519Signing.signedDigits(Ed25519ScalarTest.toLittleEndian(r, 32));
            BigInteger sum = BigInteger.ZERO;
            for (int i = digits.length - 1; i >= 0; i--) {
                assertTrue(digits[i] >= -16 && digits[i] <= 16, "digit " + digits[i]);
                sum = sum.shiftLeft(5).add(BigInteger.valueOf(digits[i]));
            }
            assertEquals(r, sum);
        }
    }

    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger[] BASE = {
        new BigInteger("15112221349535400772501151409588531511454012693041857206046113283949847762202"),
        new BigInteger("46316835694926478169428394003475163141307993866256225615783033603165251855960")};

    /** [r]B by double-and-add in affine BigIntegers. */
    private static BigInteger[] multiply(BigInteger r) {
        BigInteger[] acc = {BigInteger.ZERO, BigInteger.ONE};
        for (int bit = r.bitLength() - 1; bit >= 0; bit--) {
            acc = add(acc, acc);
            if (r.testBit(bit)) {
                acc = add(acc, BASE);
            }
        }
        return acc;
    }

    private static byte[] encode(BigInteger[] point) {
        byte[] out = Ed25519ScalarTest.toLittleEndian(point[1], 32);
        if (point[0].testBit(0)) {
            out[31] |= (byte) 0x80;
        }
        return out;
    }

    private static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
        BigInteger xx = a[0].multiply(b[0]);
        BigInteger yy = a[1].multiply(b[1]);
        BigInteger dxy = D.multiply(xx).multiply(yy).mod(P);
        BigInteger x = a[0].multiply(b[1]).add(a[1].multiply(b[0]))
                .multiply(BigInteger.ONE.add(dxy).modInverse(P)).mod(P);
        BigInteger y = yy.add(xx).multiply(BigInteger.ONE.subtract(dxy).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x, y};
    }
}
