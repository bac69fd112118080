package io.meshwork.libp2p.api.crypto;

import static io.meshwork.libp2p.api.crypto.SpecVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyVectorsTest {

    private static final byte[] MESSAGE = "libp2p test message".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0} public key vector round-trips")
    @CsvSource({"ED25519, " + SpecVectors.ED25519_PUBLIC, "SECP256K1, " + SpecVectors.SECP256K1_PUBLIC,
            "ECDSA, " + SpecVectors.ECDSA_PUBLIC, "RSA, " + SpecVectors.RSA_PUBLIC})
    void publicKeyVectorsUnmarshalAndMarshalToTheSameBytes(KeyType type, String hex) {
        PublicKey key = PublicKey.unmarshal(bytes(hex));
        assertEquals(type, key.type());
        assertEquals(hex, HexFormat.of().formatHex(key.marshal()));
        assertEquals(key, PublicKey.fromRaw(type, key.raw()));
    }

    @ParameterizedTest(name = "{0} private key vector round-trips and matches its public key")
    @CsvSource({"ED25519, " + SpecVectors.ED25519_PRIVATE + ", " + SpecVectors.ED25519_PUBLIC,
            "SECP256K1, " + SpecVectors.SECP256K1_PRIVATE + ", " + SpecVectors.SECP256K1_PUBLIC,
            "ECDSA, " + SpecVectors.ECDSA_PRIVATE + ", " + SpecVectors.ECDSA_PUBLIC})
    void privateKeyVectorsRoundTripAndDeriveTheSpecPublicKey(KeyType type, String privateHex, String publicHex) {
        PrivateKey key = PrivateKey.unmarshal(bytes(privateHex));
        assertEquals(type, key.type());
        assertEquals(privateHex, HexFormat.of().formatHex(key.marshal()));
        assertEquals(PublicKey.unmarshal(bytes(publicHex)), key.publicKey());
    }

    @ParameterizedTest(name = "{0} private key signs what its public key verifies")
    @CsvSource({"ED25519, " + SpecVectors.ED25519_PRIVATE, "SECP256K1, " + SpecVectors.SECP256K1_PRIVATE,
            "ECDSA, " + SpecVectors.ECDSA_PRIVATE})
    void signaturesFromSpecPrivateKeysVerifyAndTamperedOnesDoNot(KeyType type, String privateHex) {
        PrivateKey key = PrivateKey.unmarshal(bytes(privateHex));
        byte[] signature = key.sign(MESSAGE);
        PublicKey publicKey = PublicKey.unmarshal(key.publicKey().marshal());
        assertTrue(publicKey.verify(MESSAGE, signature), type + " signature must verify");

        byte[] tampered = signature.clone();
        tampered[tampered.length - 1] ^= 0x01;
        assertFalse(publicKey.verify(MESSAGE, tampered));
        byte[] otherMessage = MESSAGE.clone();
        otherMessage[0] ^= 0x01;
        assertFalse(publicKey.verify(otherMessage, signature));
    }

    @Test
    void ed25519SignatureFromSpecKeyIsDeterministicRfc8032() {
        PrivateKey key = PrivateKey.unmarshal(bytes(SpecVectors.ED25519_PRIVATE));
        byte[] signature = key.sign(MESSAGE);
        assertEquals(64, signature.length);
        assertArrayEquals(signature, key.sign(MESSAGE));
    }

    @Test
    void ed25519Rfc8032TestVectorOneVerifies() {
        // RFC 8032 section 7.1, TEST 1: empty message.
        byte[] publicKey = bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] signature = bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        PublicKey key = PublicKey.fromRaw(KeyType.ED25519, publicKey);
        assertTrue(key.verify(new byte[0], signature));
        assertFalse(key.verify(new byte[] {0}, signature));
    }
}
