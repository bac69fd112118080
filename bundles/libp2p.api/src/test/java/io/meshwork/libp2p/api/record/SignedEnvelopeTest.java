package io.meshwork.libp2p.api.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.SpecVectors;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class SignedEnvelopeTest {

    private static final HexFormat HEX = HexFormat.of();
    static final PrivateKey ED25519 = PrivateKey.unmarshal(SpecVectors.bytes(SpecVectors.ED25519_PRIVATE));
    static final PrivateKey SECP256K1 = PrivateKey.unmarshal(SpecVectors.bytes(SpecVectors.SECP256K1_PRIVATE));
    static final PrivateKey ECDSA = PrivateKey.unmarshal(SpecVectors.bytes(SpecVectors.ECDSA_PRIVATE));
    private static final byte[] TYPE = {0x03, 0x01};
    private static final byte[] PAYLOAD = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void wireFormIsKeyThenTypeThenPayloadThenSignatureInFieldOrder() {
        SignedEnvelope envelope = SignedEnvelope.seal(ED25519, "test-domain", TYPE, PAYLOAD);
        String expectedWithoutSignature = "0a24" + SpecVectors.ED25519_PUBLIC + "1202" + "0301" + "1a05"
                + HEX.formatHex(PAYLOAD) + "2a40";
        String wire = HEX.formatHex(envelope.marshal());
        assertTrue(wire.startsWith(expectedWithoutSignature), wire);
        assertEquals(expectedWithoutSignature.length() + 128, wire.length());
        assertEquals(HEX.formatHex(envelope.signature()), wire.substring(expectedWithoutSignature.length()));
    }

    @Test
    void signatureCoversLengthPrefixedDomainTypeAndPayloadAsComputedIndependently() {
        SignedEnvelope envelope = SignedEnvelope.seal(ED25519, "test-domain", TYPE, PAYLOAD);
        // Built by hand: uvarint(11) "test-domain" uvarint(2) 03 01 uvarint(5) "hello".
        byte[] signed = HEX.parseHex("0b" + HEX.formatHex("test-domain".getBytes(StandardCharsets.UTF_8))
                + "02" + "0301" + "05" + HEX.formatHex(PAYLOAD));
        byte[] seed = Arrays.copyOfRange(SpecVectors.bytes(SpecVectors.ED25519_PRIVATE), 4, 36);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
        signer.update(signed, 0, signed.length);
        assertArrayEquals(signer.generateSignature(), envelope.signature());
    }

    @Test
    void sealedEnvelopeOpensWithTheSameDomainAndType() {
        for (PrivateKey key : new PrivateKey[] {ED25519, SECP256K1, ECDSA}) {
            SignedEnvelope sealed = SignedEnvelope.seal(key, "test-domain", TYPE, PAYLOAD);
            SignedEnvelope opened = SignedEnvelope.openAndVerify(sealed.marshal(), "test-domain", TYPE);
            assertEquals(sealed, opened);
            assertEquals(key.publicKey(), opened.publicKey());
            assertEquals(PeerId.fromPublicKey(key.publicKey()), opened.signer());
            assertArrayEquals(PAYLOAD, opened.payload());
            assertArrayEquals(TYPE, opened.payloadType());
            assertEquals("test-domain", opened.domain());
            assertArrayEquals(sealed.marshal(), opened.marshal());
        }
    }

    @Test
    void sealAcceptsAPublicKeyAndSigningFunctionLikeHostIdentity() {
        SignedEnvelope envelope = SignedEnvelope.seal(ED25519.publicKey(), ED25519::sign, "d", TYPE, PAYLOAD);
        assertEquals(envelope, SignedEnvelope.openAndVerify(envelope.marshal(), "d", TYPE));
    }

    @Test
    void anEmptyPayloadIsOmittedFromTheWireAndRoundTrips() {
        SignedEnvelope envelope = SignedEnvelope.seal(ED25519, "d", TYPE, new byte[0]);
        assertTrue(HEX.formatHex(envelope.marshal()).contains("120203012a40"));
        assertEquals(0, SignedEnvelope.openAndVerify(envelope.marshal(), "d", TYPE).payload().length);
    }

    @Test
    void everySingleBitFlipIsRejected() {
        byte[] wire = SignedEnvelope.seal(ED25519, "test-domain", TYPE, PAYLOAD).marshal();
        for (int i = 0; i < wire.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = wire.clone();
                tampered[i] ^= (byte) (1 << bit);
                assertThrows(MalformedDataException.class,
                        () -> SignedEnvelope.openAndVerify(tampered, "test-domain", TYPE),
                        "flip of bit " + bit + " in byte " + i + " was accepted");
            }
        }
    }

    @Test
    void aWrongDomainFailsVerification() {
        byte[] wire = SignedEnvelope.seal(ED25519, "test-domain", TYPE, PAYLOAD).marshal();
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> SignedEnvelope.openAndVerify(wire, "other-domain", TYPE));
        assertTrue(e.getMessage().contains("does not verify") && e.getMessage().contains("other-domain"),
                e.getMessage());
    }

    @Test
    void aWrongPayloadTypeIsRejected() {
        byte[] wire = SignedEnvelope.seal(ED25519, "test-domain", TYPE, PAYLOAD).marshal();
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> SignedEnvelope.openAndVerify(wire, "test-domain", new byte[] {0x03, 0x02}));
        assertTrue(e.getMessage().contains("payload type 0301"), e.getMessage());
    }

    @Test
    void aSignatureFromAnotherKeyIsRefusedWhenSealing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SignedEnvelope.seal(ED25519.publicKey(), SECP256K1::sign, "d", TYPE, PAYLOAD));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void sealRefusesEmptyDomainAndEmptyPayloadType() {
        assertThrows(IllegalArgumentException.class, () -> SignedEnvelope.seal(ED25519, "", TYPE, PAYLOAD));
        assertThrows(IllegalArgumentException.class, () -> SignedEnvelope.seal(ED25519, "d", new byte[0], PAYLOAD));
    }

    @Test
    void unknownFieldsAreSkippedAndDroppedOnReencoding() {
        SignedEnvelope envelope = SignedEnvelope.seal(ED25519, "d", TYPE, PAYLOAD);
        // field 4 (LEN, unused by the spec), field 9 (varint), field 10 (fixed32), field 11 (fixed64)
        byte[] extra = HEX.parseHex("2201ff" + "4801" + "5501020304" + "590102030405060708");
        byte[] wire = concat(extra, envelope.marshal());
        SignedEnvelope opened = SignedEnvelope.openAndVerify(wire, "d", TYPE);
        assertArrayEquals(envelope.marshal(), opened.marshal());
    }

    @Test
    void duplicateKnownFieldsAreRejected() {
        byte[] wire = SignedEnvelope.seal(ED25519, "d", TYPE, PAYLOAD).marshal();
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> SignedEnvelope.openAndVerify(concat(wire, HEX.parseHex("12020301")), "d", TYPE));
        assertTrue(e.getMessage().contains("more than once"), e.getMessage());
    }

    @Test
    void missingFieldsAreNamed() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> SignedEnvelope.openAndVerify(HEX.parseHex("12020301"), "d", TYPE));
        assertTrue(e.getMessage().contains("public_key"), e.getMessage());
        byte[] noSignature = HEX.parseHex("0a24" + SpecVectors.ED25519_PUBLIC + "12020301");
        e = assertThrows(MalformedDataException.class, () -> SignedEnvelope.openAndVerify(noSignature, "d", TYPE));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void malformedProtobufIsRejected() {
        for (String hex : new String[] {
            "0a",                // truncated length
            "0a05",              // truncated value
            "0b",                // group wire type
            "00",                // field 0
            "8a00",              // non-minimal tag varint
            "1002",              // payload_type with varint wire type
        }) {
            assertThrows(MalformedDataException.class,
                    () -> SignedEnvelope.openAndVerify(HEX.parseHex(hex), "d", TYPE), hex);
        }
    }

    @Test
    void oversizedInputIsRejectedBeforeParsing() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> SignedEnvelope.openAndVerify(new byte[SignedEnvelope.MAX_SIZE + 1], "d", TYPE));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
