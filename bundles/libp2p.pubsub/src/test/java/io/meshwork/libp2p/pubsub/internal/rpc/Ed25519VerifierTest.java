package io.meshwork.libp2p.pubsub.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class Ed25519VerifierTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger L = BigInteger.ONE.shiftLeft(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));

    /** RFC 8032 §7.1 TEST 1, 2, 3 and SHA(abc): secret key, public key, message, signature. */
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
    };

    /**
     * The twelve edge cases of "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko; the ed25519-speccheck
     * vectors): message, key, signature. Cases 0–3 use small-order keys and R values that satisfy the
     * cofactorless equation; 4–7 mixed-order R or keys that satisfy only the cofactored one; 8–9 S ≥ L; 10–11
     * a key that encodes x = 0 with the sign bit set.
     */
    private static final String[][] SPECCHECK = {
        {"8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000"},
        {"9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
            "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"},
        {"aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab",
            "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e"},
        {"9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
            "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
            "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009"},
        {"e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
            "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
            "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09"},
        {"e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
            "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
            "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405"},
        {"85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
            "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
            "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514"},
        {"85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
            "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
            "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22"},
        {"9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
            "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f"},
        {"9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
            "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908"},
        {"e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"},
        {"39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"},
    };
    /**
     * Go's crypto/ed25519, OpenSSL 3, BoringSSL and Dalek accept 0–3 and 11 (speccheck results table). We match
     * them on 0–10; 11 we reject with BouncyCastle and libsodium, because RFC 8032 says that key fails to decode.
     */
    private static final boolean[] EXPECTED = {true, true, true, true, false, false, false, false, false, false,
        false, false};

    @Test
    void rfc8032Vectors() {
        for (int table = 0; table < 2; table++) {
            Ed25519Verifier verifier = new Ed25519Verifier(table == 0 ? 0 : 4);
            for (String[] v : RFC8032) {
                byte[] pk = HEX.parseHex(v[1]);
                byte[] msg = HEX.parseHex(v[2]);
                byte[] sig = HEX.parseHex(v[3]);
                byte[] derived = new byte[32];
                Ed25519.generatePublicKey(HEX.parseHex(v[0]), 0, derived, 0);
                assertArrayEquals(pk, derived, "vector key");
                for (int i = 0; i < 3; i++) { // the second and third use the key's table
                    assertTrue(verifier.verify(pk, msg, sig));
                    byte[] bad = sig.clone();
                    bad[i * 20] ^= 1;
                    assertFalse(verifier.verify(pk, msg, bad));
                }
            }
        }
    }

    @Test
    void edgeCasesMatchGoAndOpenSsl() {
        for (int table = 0; table < 2; table++) {
            Ed25519Verifier verifier = new Ed25519Verifier(table == 0 ? 0 : 16);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < SPECCHECK.length; i++) {
                    String[] c = SPECCHECK[i];
                    assertEquals(EXPECTED[i], verifier.verify(HEX.parseHex(c[1]), HEX.parseHex(c[0]),
                            HEX.parseHex(c[2])), "speccheck case " + i + ", round " + round);
                }
            }
        }
    }

    @Test
    void agreesWithBouncyCastleOnHonestAndDamagedSignatures() {
        Random random = new Random(7);
        Ed25519Verifier withTables = new Ed25519Verifier(8);
        Ed25519Verifier plain = new Ed25519Verifier(0);
        for (int n = 0; n < 60; n++) {
            byte[] sk = new byte[32];
            random.nextBytes(sk);
            byte[] pk = new byte[32];
            Ed25519.generatePublicKey(sk, 0, pk, 0);
            for (int m = 0; m < 5; m++) {
                byte[] msg = new byte[random.nextInt(300)];
                random.nextBytes(msg);
                byte[] sig = new byte[64];
                Ed25519.sign(sk, 0, msg, 0, msg.length, sig, 0);
                assertTrue(withTables.verify(pk, msg, sig), "honest signature, key " + n);
                assertTrue(plain.verify(pk, msg, sig), "honest signature, key " + n);
                // one flipped bit anywhere: both reject, as BouncyCastle does
                byte[] badSig = sig.clone();
                badSig[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
                assertEquals(Ed25519.verify(badSig, 0, pk, 0, msg, 0, msg.length), withTables.verify(pk, msg, badSig));
                assertFalse(plain.verify(pk, msg, badSig));
                if (msg.length > 0) {
                    byte[] badMsg = msg.clone();
                    badMsg[random.nextInt(msg.length)] ^= 1;
                    assertFalse(withTables.verify(pk, badMsg, sig));
                }
                byte[] badKey = pk.clone();
                badKey[random.nextInt(31)] ^= 1;
                assertFalse(withTables.verify(badKey, msg, sig));
            }
        }
        assertTrue(withTables.tableHits() > 0, "tables used");
        assertEquals(0, plain.tableHits());
    }

    @Test
    void sAtOrAboveTheOrderIsRejected() {
        byte[] sk = new byte[32];
        sk[0] = 1;
        byte[] pk = new byte[32];
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        byte[] msg = "non-canonical".getBytes();
        byte[] sig = new byte[64];
        Ed25519.sign(sk, 0, msg, 0, msg.length, sig, 0);
        Ed25519Verifier verifier = new Ed25519Verifier(4);
        assertTrue(verifier.verify(pk, msg, sig));
        byte[] s = new byte[32];
        for (int i = 0; i < 32; i++) {
            s[31 - i] = sig[32 + i];
        }
        BigInteger plusL = new BigInteger(1, s).add(L); // same value mod L; < 2^256 as S < L < 2^253
        byte[] be = plusL.toByteArray();
        byte[] bad = sig.clone();
        java.util.Arrays.fill(bad, 32, 64, (byte) 0);
        for (int i = 0; i < be.length && i < 32; i++) {
            bad[32 + i] = be[be.length - 1 - i];
        }
        assertFalse(verifier.verify(pk, msg, bad));
        assertFalse(verifier.verify(pk, msg, bad));
    }

    @Test
    void malformedInputIsInvalidNeverAnException() {
        Random random = new Random(11);
        Ed25519Verifier verifier = new Ed25519Verifier(2);
        for (int i = 0; i < 2000; i++) {
            byte[] pk = new byte[random.nextInt(10) == 0 ? random.nextInt(40) : 32];
            byte[] sig = new byte[random.nextInt(10) == 0 ? random.nextInt(80) : 64];
            byte[] msg = new byte[random.nextInt(50)];
            random.nextBytes(pk);
            random.nextBytes(sig);
            random.nextBytes(msg);
            if (random.nextBoolean() && sig.length == 64) {
                sig[63] &= 0x0F; // S below 2^252 so that the point arithmetic runs
            }
            assertFalse(verifier.verify(pk, msg, sig));
        }
        // all-0xFF key (y not reduced mod p) and the identity's encodings
        byte[] ff = new byte[32];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertFalse(verifier.verify(ff, new byte[0], new byte[64]));
    }

    @Test
    void tablesAreBoundedAndEvictionNeverChangesAVerdict() {
        Ed25519Verifier verifier = new Ed25519Verifier(2);
        Random random = new Random(3);
        List<byte[][]> keys = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            byte[] sk = new byte[32];
            random.nextBytes(sk);
            byte[] pk = new byte[32];
            Ed25519.generatePublicKey(sk, 0, pk, 0);
            keys.add(new byte[][] {sk, pk});
        }
        for (int round = 0; round < 6; round++) {
            for (byte[][] key : keys) {
                byte[] msg = ("round " + round).getBytes();
                byte[] sig = new byte[64];
                Ed25519.sign(key[0], 0, msg, 0, msg.length, sig, 0);
                assertTrue(verifier.verify(key[1], msg, sig));
                sig[5] ^= 4;
                assertFalse(verifier.verify(key[1], msg, sig));
            }
        }
        assertTrue(verifier.tablesBuilt() > 2, "tables were evicted and rebuilt: " + verifier.tablesBuilt());
        assertTrue(verifier.tableHits() > 0);
        assertTrue(verifier.tableMisses() > 0);
    }

    @Test
    void concurrentVerifiersShareTheCache() throws Exception {
        Ed25519Verifier verifier = new Ed25519Verifier(3);
        Random random = new Random(5);
        int keys = 6;
        byte[][] sks = new byte[keys][32];
        byte[][] pks = new byte[keys][32];
        for (int k = 0; k < keys; k++) {
            random.nextBytes(sks[k]);
            Ed25519.generatePublicKey(sks[k], 0, pks[k], 0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int k = i % keys;
                byte[] msg = ("message " + i).getBytes();
                byte[] sig = new byte[64];
                Ed25519.sign(sks[k], 0, msg, 0, msg.length, sig, 0);
                results.add(pool.submit(() -> verifier.verify(pks[k], msg, sig)));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void digitRecodingsReproduceTheScalar() {
        Random random = new Random(9);
        for (int i = 0; i < 200; i++) {
            BigInteger k = new BigInteger(253, random).mod(L);
            byte[] le = new byte[32];
            byte[] be = k.toByteArray();
            for (int j = 0; j < be.length && j < 32; j++) {
                le[j] = be[be.length - 1 - j];
            }
            for (int width : new int[] {4, 5, 6, 7, 8}) {
                int[] digits = Ed25519Verifier.signedDigits(le, 0, width);
                BigInteger sum = BigInteger.ZERO;
                for (int j = digits.length - 1; j >= 0; j--) {
                    assertTrue(digits[j] <= 1 << (width - 1) && digits[j] > -(1 << (width - 1)));
                    sum = sum.shiftLeft(width).add(BigInteger.valueOf(digits[j]));
                }
                assertEquals(k, sum, "width " + width);
            }
            int[] naf = Ed25519Verifier.wnaf(le, 5);
            BigInteger sum = BigInteger.ZERO;
            for (int j = naf.length - 1; j >= 0; j--) {
                assertTrue(naf[j] == 0 || (naf[j] & 1) != 0 && Math.abs(naf[j]) < 16);
                sum = sum.shiftLeft(1).add(BigInteger.valueOf(naf[j]));
            }
            assertEquals(k, sum);
        }
    }
}
