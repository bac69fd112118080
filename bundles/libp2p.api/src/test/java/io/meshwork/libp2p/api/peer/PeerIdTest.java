package io.meshwork.libp2p.api.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.Base58;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Multibase;
import io.meshwork.libp2p.api.codec.Multihash;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.crypto.SpecVectors;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerIdTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource({SpecVectors.ED25519_PUBLIC + ", " + SpecVectors.ED25519_PEER_ID,
            SpecVectors.SECP256K1_PUBLIC + ", " + SpecVectors.SECP256K1_PEER_ID,
            SpecVectors.ECDSA_PUBLIC + ", " + SpecVectors.ECDSA_PEER_ID,
            SpecVectors.RSA_PUBLIC + ", " + SpecVectors.RSA_PEER_ID})
    void derivesTheSpecPeerIdFromEachPublicKeyVector(String publicKeyHex, String expected) {
        PublicKey key = PublicKey.unmarshal(SpecVectors.bytes(publicKeyHex));
        PeerId id = PeerId.fromPublicKey(key);
        assertEquals(expected, id.toBase58());
        assertEquals(expected, id.toString());
        assertEquals(id, PeerId.parse(expected));
        assertEquals(id, PeerId.parse(id.toCidString()));
        assertTrue(id.matches(key));
    }

    @Test
    void ed25519VectorHasTheSpecBinaryAndCidForms() {
        PeerId id = PeerId.fromPublicKey(PublicKey.unmarshal(SpecVectors.bytes(SpecVectors.ED25519_PUBLIC)));
        assertEquals("0024" + SpecVectors.ED25519_PUBLIC, HexFormat.of().formatHex(id.bytes()));
        assertEquals(SpecVectors.ED25519_CID, id.toCidString());
        assertEquals(PeerId.parse(SpecVectors.ED25519_PEER_ID), PeerId.parse(SpecVectors.ED25519_CID));
    }

    @Test
    void privateKeyVectorsYieldTheSamePeerIdsAsTheirPublicKeys() {
        assertEquals(SpecVectors.ED25519_PEER_ID, PeerId.fromPublicKey(
                PrivateKey.unmarshal(SpecVectors.bytes(SpecVectors.ED25519_PRIVATE)).publicKey()).toBase58());
        assertEquals(SpecVectors.SECP256K1_PEER_ID, PeerId.fromPublicKey(
                PrivateKey.unmarshal(SpecVectors.bytes(SpecVectors.SECP256K1_PRIVATE)).publicKey()).toBase58());
        assertEquals(SpecVectors.ECDSA_PEER_ID, PeerId.fromPublicKey(
                PrivateKey.unmarshal(SpecVectors.bytes(SpecVectors.ECDSA_PRIVATE)).publicKey()).toBase58());
    }

    @Test
    void inlinedKeysAreRecoverableAndHashedOnesAreNot() {
        PublicKey ed25519 = PublicKey.unmarshal(SpecVectors.bytes(SpecVectors.ED25519_PUBLIC));
        assertEquals(ed25519, PeerId.parse(SpecVectors.ED25519_PEER_ID).publicKey().orElseThrow());
        PublicKey secp256k1 = PublicKey.unmarshal(SpecVectors.bytes(SpecVectors.SECP256K1_PUBLIC));
        assertEquals(secp256k1, PeerId.parse(SpecVectors.SECP256K1_PEER_ID).publicKey().orElseThrow());
        PeerId rsa = PeerId.parse(SpecVectors.RSA_PEER_ID);
        assertTrue(rsa.publicKey().isEmpty());
        assertTrue(rsa.matches(PublicKey.unmarshal(SpecVectors.bytes(SpecVectors.RSA_PUBLIC))));
        assertFalse(rsa.matches(ed25519));
        assertEquals(Multihash.SHA2_256, rsa.multihash().code());
    }

    @Test
    void parsesCidsInOtherMultibaseEncodings() {
        PeerId id = PeerId.parse(SpecVectors.ED25519_PEER_ID);
        String base58Cid = id.toCidString(Multibase.Encoding.BASE58BTC);
        assertTrue(base58Cid.startsWith("z"));
        assertEquals(id, PeerId.parse(base58Cid));
        assertEquals(id, PeerId.parse(id.toCidString(Multibase.Encoding.BASE32_UPPER)));
    }

    @Test
    void rejectsCidsWithTheWrongVersionOrCodec() {
        byte[] multihash = PeerId.parse(SpecVectors.ED25519_PEER_ID).bytes();
        byte[] wrongCodec = new byte[multihash.length + 2];
        wrongCodec[0] = 0x01;
        wrongCodec[1] = 0x55;
        System.arraycopy(multihash, 0, wrongCodec, 2, multihash.length);
        MalformedDataException codec = assertThrows(MalformedDataException.class,
                () -> PeerId.parse(Multibase.encode(Multibase.Encoding.BASE32, wrongCodec)));
        assertTrue(codec.getMessage().contains("libp2p-key"), codec.getMessage());
        wrongCodec[0] = 0x02;
        wrongCodec[1] = 0x72;
        assertThrows(MalformedDataException.class,
                () -> PeerId.parse(Multibase.encode(Multibase.Encoding.BASE32, wrongCodec)));
    }

    @Test
    void rejectsMultihashesThatAreNotPeerIds() {
        MalformedDataException hashCode = assertThrows(MalformedDataException.class,
                () -> PeerId.fromBytes(new Multihash(0x13, new byte[64]).encode()));
        assertTrue(hashCode.getMessage().contains("0x13"), hashCode.getMessage());
        MalformedDataException garbage = assertThrows(MalformedDataException.class,
                () -> PeerId.fromBytes(Multihash.identity(new byte[] {1, 2, 3}).encode()));
        assertTrue(garbage.getMessage().contains("valid public key"), garbage.getMessage());
        byte[] ecdsaKey = SpecVectors.bytes(SpecVectors.ECDSA_PUBLIC);
        assertThrows(MalformedDataException.class, () -> PeerId.fromBytes(Multihash.identity(ecdsaKey).encode()));
        assertThrows(MalformedDataException.class, () -> PeerId.parse("Qm"));
        assertThrows(MalformedDataException.class, () -> PeerId.parse(""));
        assertThrows(MalformedDataException.class, () -> PeerId.parse("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p0"));
        assertThrows(MalformedDataException.class, () -> PeerId.parse("x" + "1".repeat(300)));
    }

    @Test
    void rejectsTruncatedAndExtendedBinaryIds() {
        byte[] bytes = PeerId.parse(SpecVectors.ECDSA_PEER_ID).bytes();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);
        byte[] extended = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(MalformedDataException.class, () -> PeerId.fromBytes(truncated));
        assertThrows(MalformedDataException.class, () -> PeerId.fromBytes(extended));
        assertThrows(MalformedDataException.class, () -> PeerId.parse(Base58.encode(truncated)));
    }

    @Test
    void isAValueWithDefensiveCopiesAndAStableOrder() {
        PeerId id = PeerId.parse(SpecVectors.ED25519_PEER_ID);
        id.bytes()[0] = 9;
        assertArrayEquals(PeerId.parse(SpecVectors.ED25519_PEER_ID).bytes(), id.bytes());
        assertEquals(id.hashCode(), PeerId.parse(SpecVectors.ED25519_CID).hashCode());

        TreeSet<PeerId> sorted = new TreeSet<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            sorted.add(PeerId.fromPublicKey(PrivateKey.generateEd25519(random).publicKey()));
        }
        sorted.add(PeerId.parse(SpecVectors.RSA_PEER_ID));
        assertEquals(21, sorted.size());
        assertTrue(PeerId.parse(SpecVectors.ED25519_PEER_ID).compareTo(PeerId.parse(SpecVectors.RSA_PEER_ID)) < 0,
                "identity (0x00) ids sort before sha2-256 (0x12) ids");
    }
}
