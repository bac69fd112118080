package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AeadTest {

    private static final long SEED = 0x5eed_0001L;

    private static Aead keyed(AeadProvider provider, byte[] key) {
        Aead aead = provider.newAead();
        aead.init(key);
        assertEquals(provider, aead.provider());
        return aead;
    }

    @Test
    void jdkAndBouncyCastleProduceIdenticalOutputAndDecryptEachOther() throws AEADBadTagException {
        Random random = new Random(SEED);
        int[] lengths = {0, 1, 15, 16, 17, 63, 64, 65, 1000, 4096, NoiseSession.MAX_PLAINTEXT_LENGTH};
        for (int round = 0; round < 200; round++) {
            byte[] key = bytes(random, 32);
            Aead jdk = keyed(AeadProvider.JDK, key);
            Aead bc = keyed(AeadProvider.BOUNCY_CASTLE, key);
            int len = round < lengths.length ? lengths[round] : random.nextInt(3000);
            byte[] plaintext = bytes(random, len);
            byte[] ad = bytes(random, random.nextInt(3) == 0 ? 0 : 32);
            long nonce = round % 3 == 0 ? round : random.nextLong();

            byte[] fromJdk = new byte[len + 16];
            byte[] fromBc = new byte[len + 16];
            assertEquals(len + 16, jdk.encrypt(nonce, ad, plaintext, 0, len, fromJdk, 0));
            assertEquals(len + 16, bc.encrypt(nonce, ad, plaintext, 0, len, fromBc, 0));
            assertArrayEquals(fromJdk, fromBc, "round " + round + ", length " + len);

            byte[] out = new byte[len];
            assertEquals(len, jdk.decrypt(nonce, ad, fromBc, 0, fromBc.length, out, 0));
            assertArrayEquals(plaintext, out);
            Arrays.fill(out, (byte) 0);
            assertEquals(len, bc.decrypt(nonce, ad, fromJdk, 0, fromJdk.length, out, 0));
            assertArrayEquals(plaintext, out);
        }
    }

    @ParameterizedTest
    @EnumSource(value = AeadProvider.class, names = {"JDK", "BOUNCY_CASTLE"})
    void encryptingInPiecesGivesTheBytesOfOneEncryptionOfTheWhole(AeadProvider provider) throws AEADBadTagException {
        Random random = new Random(SEED + 7 + provider.ordinal());
        for (int round = 0; round < 100; round++) {
            byte[] key = bytes(random, 32);
            Aead whole = keyed(provider, key);
            Aead pieces = keyed(provider, key);
            int len = round == 0 ? 0 : round == 1 ? NoiseSession.MAX_PLAINTEXT_LENGTH : random.nextInt(5000);
            byte[] plaintext = bytes(random, len);
            byte[] ad = bytes(random, round % 2 == 0 ? 0 : 32);
            long nonce = random.nextLong();

            byte[] expected = new byte[len + 16];
            whole.encrypt(nonce, ad, plaintext, 0, len, expected, 0);
            // The same message split into random pieces (some empty), output at an offset.
            byte[] out = new byte[len + 16 + 3];
            int pos = 3;
            pieces.encryptStart(nonce, ad);
            int read = 0;
            while (read < len) {
                int n = Math.min(len - read, random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(200));
                pos += pieces.encryptUpdate(plaintext, read, n, out, pos);
                read += n;
            }
            pos += pieces.encryptFinish(out, pos);
            assertEquals(len + 16 + 3, pos, "round " + round);
            assertArrayEquals(expected, Arrays.copyOfRange(out, 3, out.length), "round " + round + ", length " + len);

            // The next message (nonce + 1) of the piecewise instance is still right.
            byte[] next = new byte[len + 16];
            pieces.encrypt(nonce + 1, ad, plaintext, 0, len, next, 0);
            byte[] decrypted = new byte[len];
            whole.decrypt(nonce + 1, ad, next, 0, next.length, decrypted, 0);
            assertArrayEquals(plaintext, decrypted);
        }
    }

    @ParameterizedTest
    @EnumSource(value = AeadProvider.class, names = {"JDK", "BOUNCY_CASTLE"})
    void tamperedCiphertextTagAdOrNonceFailsAndLeavesNoPlaintext(AeadProvider provider) {
        Random random = new Random(SEED + provider.ordinal());
        byte[] key = bytes(random, 32);
        byte[] ad = bytes(random, 32);
        byte[] plaintext = bytes(random, 300);
        byte[] ciphertext = new byte[316];
        keyed(provider, key).encrypt(7, ad, plaintext, 0, 300, ciphertext, 0);

        for (int position : new int[] {0, 150, 299, 300, 315}) {
            byte[] tampered = ciphertext.clone();
            tampered[position] ^= 0x01;
            byte[] out = new byte[300];
            Arrays.fill(out, (byte) 0x55);
            assertThrows(AEADBadTagException.class,
                    () -> keyed(provider, key).decrypt(7, ad, tampered, 0, tampered.length, out, 0));
            assertTrue(allZero(out), "no unauthenticated plaintext may remain after a bad tag");
        }
        byte[] otherAd = ad.clone();
        otherAd[3] ^= 0x40;
        byte[] out = new byte[300];
        assertThrows(AEADBadTagException.class,
                () -> keyed(provider, key).decrypt(7, otherAd, ciphertext, 0, ciphertext.length, out, 0));
        assertThrows(AEADBadTagException.class,
                () -> keyed(provider, key).decrypt(8, ad, ciphertext, 0, ciphertext.length, out, 0));
        assertThrows(AEADBadTagException.class,
                () -> keyed(provider, key).decrypt(7, ad, ciphertext, 0, 15, out, 0));
    }

    @ParameterizedTest
    @EnumSource(value = AeadProvider.class, names = {"JDK", "BOUNCY_CASTLE"})
    void inPlaceEncryptionAndDecryptionWork(AeadProvider provider) throws AEADBadTagException {
        Random random = new Random(SEED + 10);
        byte[] key = bytes(random, 32);
        byte[] plaintext = bytes(random, 5000);
        byte[] expected = new byte[5016];
        keyed(provider, key).encrypt(3, new byte[0], plaintext, 0, 5000, expected, 0);

        byte[] buffer = new byte[5 + 5016];
        System.arraycopy(plaintext, 0, buffer, 5, 5000);
        Aead aead = keyed(provider, key);
        aead.encrypt(3, new byte[0], buffer, 5, 5000, buffer, 5);
        assertArrayEquals(expected, Arrays.copyOfRange(buffer, 5, 5021));
        assertEquals(5000, aead.decrypt(3, new byte[0], buffer, 5, 5016, buffer, 5));
        assertArrayEquals(plaintext, Arrays.copyOfRange(buffer, 5, 5005));
    }

    @ParameterizedTest
    @EnumSource(value = AeadProvider.class, names = {"JDK", "BOUNCY_CASTLE"})
    void oneInstanceEncryptsConsecutiveNoncesAndFollowsAKeyChange(AeadProvider provider) throws AEADBadTagException {
        Random random = new Random(SEED + 20);
        byte[] key1 = bytes(random, 32);
        byte[] key2 = bytes(random, 32);
        byte[] plaintext = bytes(random, 100);
        Aead aead = keyed(provider, key1);
        byte[] c0 = new byte[116];
        byte[] c1 = new byte[116];
        aead.encrypt(0, new byte[0], plaintext, 0, 100, c0, 0);
        aead.encrypt(1, new byte[0], plaintext, 0, 100, c1, 0);
        aead.init(key2);
        byte[] c0k2 = new byte[116];
        aead.encrypt(0, new byte[0], plaintext, 0, 100, c0k2, 0);
        assertTrue(!Arrays.equals(c0, c1) && !Arrays.equals(c0, c0k2));

        Aead other = keyed(provider == AeadProvider.JDK ? AeadProvider.BOUNCY_CASTLE : AeadProvider.JDK, key1);
        byte[] out = new byte[100];
        other.decrypt(1, new byte[0], c1, 0, 116, out, 0);
        assertArrayEquals(plaintext, out);
        other.init(key2);
        other.decrypt(0, new byte[0], c0k2, 0, 116, out, 0);
        assertArrayEquals(plaintext, out);
    }

    @Test
    void nonceIsFourZeroBytesThenTheLittleEndianCounter() {
        byte[] nonce = new byte[12];
        Arrays.fill(nonce, (byte) 0x77);
        Aead.encodeNonce(0x0102030405060708L, nonce);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1}, nonce);
    }

    @Test
    void autoPrefersTheJdkCipherWhenAvailable() {
        assertTrue(AeadProvider.JDK.isAvailable(), "Java 17 ships ChaCha20-Poly1305");
        assertEquals(AeadProvider.JDK, AeadProvider.AUTO.resolve());
        assertEquals(AeadProvider.BOUNCY_CASTLE, AeadProvider.BOUNCY_CASTLE.resolve());
        assertEquals(AeadProvider.JDK, AeadProvider.AUTO.newAead().provider());
    }

    @ParameterizedTest
    @EnumSource(value = AeadProvider.class, names = {"JDK", "BOUNCY_CASTLE"})
    void rejectsWrongKeyLengthAndUseWithoutKey(AeadProvider provider) {
        Aead aead = provider.newAead();
        assertThrows(IllegalArgumentException.class, () -> aead.init(new byte[16]));
        assertThrows(IllegalStateException.class,
                () -> aead.encrypt(0, new byte[0], new byte[1], 0, 1, new byte[17], 0));
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
