package io.meshwork.libp2p.api.crypto;

import static io.meshwork.libp2p.api.crypto.SpecVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PrivateKeyTest {

    private static final String SEED = "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d";
    private static final String PUBLIC = "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    @Test
    void legacyNinetySixByteEd25519KeyIsAcceptedWhenBothPublicCopiesMatch() {
        PrivateKey legacy = PrivateKey.unmarshal(bytes("08011260" + SEED + PUBLIC + PUBLIC));
        assertEquals(SpecVectors.ED25519_PRIVATE, HexFormat.of().formatHex(legacy.marshal()));
    }

    @Test
    void legacyEd25519KeyWithDifferentPublicCopiesIsRejected() {
        String otherPublic = "00".repeat(31) + "01";
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PrivateKey.unmarshal(bytes("08011260" + SEED + PUBLIC + otherPublic)));
        assertTrue(e.getMessage().contains("two different public keys"), e.getMessage());
    }

    @Test
    void ed25519KeyWhosePublicHalfDoesNotMatchTheSeedIsRejected() {
        String wrongPublic = PUBLIC.substring(0, 62) + "7f";
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PrivateKey.unmarshal(bytes("08011240" + SEED + wrongPublic)));
        assertTrue(e.getMessage().contains("does not match its seed"), e.getMessage());
        assertThrows(MalformedDataException.class, () -> PrivateKey.unmarshal(bytes("08011220" + SEED)));
    }

    @Test
    void ecdsaKeyWhoseStoredPublicKeyDoesNotMatchIsRejected() {
        String vector = SpecVectors.ECDSA_PRIVATE;
        String tampered = vector.substring(0, vector.length() - 2) + "63";
        assertThrows(MalformedDataException.class, () -> PrivateKey.unmarshal(bytes(tampered)));
    }

    @Test
    void secp256k1ScalarOutsideTheGroupIsRejected() {
        assertThrows(MalformedDataException.class, () -> PrivateKey.unmarshal(bytes("08021220" + "00".repeat(32))));
        assertThrows(MalformedDataException.class, () -> PrivateKey.unmarshal(bytes("08021220" + "ff".repeat(32))));
        assertThrows(MalformedDataException.class, () -> PrivateKey.unmarshal(bytes("08021221" + "01".repeat(33))));
    }

    @Test
    void rsaPrivateKeysAreReportedAsUnsupported() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PrivateKey.unmarshal(bytes("08001203300100")));
        assertTrue(e.getMessage().contains("unsupported private key type RSA"), e.getMessage());
    }

    @Test
    void generatedEd25519KeysSignVerifyAndSurviveMarshalling() {
        SecureRandom random = new SecureRandom();
        PrivateKey key = PrivateKey.generateEd25519(random);
        PrivateKey other = PrivateKey.generateEd25519(random);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(message);

        assertEquals(KeyType.ED25519, key.type());
        assertTrue(key.publicKey().verify(message, signature));
        assertFalse(other.publicKey().verify(message, signature));
        assertNotEquals(key.publicKey(), other.publicKey());
        PrivateKey restored = PrivateKey.unmarshal(key.marshal());
        assertEquals(key.publicKey(), restored.publicKey());
        assertArrayEquals(signature, restored.sign(message));
    }

    @Test
    void toStringNeverShowsPrivateKeyMaterial() {
        for (String hex : new String[] {SpecVectors.ED25519_PRIVATE, SpecVectors.SECP256K1_PRIVATE,
                SpecVectors.ECDSA_PRIVATE}) {
            PrivateKey key = PrivateKey.unmarshal(bytes(hex));
            String text = key.toString().toLowerCase();
            assertTrue(text.contains("private key"), text);
            assertFalse(text.contains(SEED.substring(0, 16)), text);
            assertFalse(text.contains("53dadf1d5a164d6b"), text);
            assertFalse(text.contains("3e5b1fe9712e6c31"), text);
        }
    }
}
