package io.meshwork.libp2p.pubsub.internal.rpc;

import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.ECDSA_PRIVATE_KEY;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.HEX;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.SPEC_ED25519_PRIVATE_KEY;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.hex;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.identity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MessageSigningTest {

    // The peer-ids spec's Ed25519 test key; its Peer ID inlines the key: 00 24 ‖ 0801 1220 ‖ public key.
    private static final String PEER_ID = "0024" + "08011220"
            + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    // from, data "hello", seqno 1, topic "meshwork/test": hand-assembled from the schema
    private static final String SIGNED_FIELDS = "0a26" + PEER_ID + "1205" + "68656c6c6f" + "1a08" + "0000000000000001"
            + "220d" + "6d657368776f726b2f74657374";
    // Ed25519 over "libp2p-pubsub:" ‖ SIGNED_FIELDS with the spec key's seed, computed independently of this code
    // base (Python 'cryptography'; Ed25519 is deterministic, so any correct signer produces these bytes).
    private static final String SIGNATURE = "c4d56d08513a1d50fc77c208c954989a84551a24666053ef9708bdcceadf845f"
            + "37e6722fd069d5077e66757c83bc93bca2972902c4c11ce45e91936e2e91a80c";
    // The RPC a go node publishing that message sends: one publish field (138 bytes: varint 8a 01), no key.
    private static final String GO_STYLE_RPC = "128a01" + SIGNED_FIELDS + "2a40" + SIGNATURE;

    private static final HostIdentity SPEC_IDENTITY = identity(SPEC_ED25519_PRIVATE_KEY);
    private static final Ed25519Verifier ED25519 = new Ed25519Verifier(4);

    private static RpcMessage unsigned() {
        return new RpcMessage(null, "hello".getBytes(StandardCharsets.UTF_8), hex("0000000000000001"),
                "meshwork/test", null, null);
    }

    @Test
    void verifiesAnIndependentlySignedGoStyleMessage() {
        Rpc rpc = RpcCodec.decode(hex(GO_STYLE_RPC), RpcLimits.DEFAULTS);
        RpcMessage message = rpc.publish().get(0);
        assertEquals("meshwork/test", message.topic());
        assertArrayEquals(hex(PEER_ID), message.from());
        assertNull(message.key());
        assertEquals(HEX.formatHex("libp2p-pubsub:".getBytes(StandardCharsets.UTF_8)) + SIGNED_FIELDS,
                HEX.formatHex(RpcCodec.signedBytes(message)));
        assertNull(MessageSigning.checkSignedFields(message));
        assertNull(verify(message));
        assertEquals(GO_STYLE_RPC, HEX.formatHex(RpcCodec.encode(rpc)));
    }

    @Test
    void signsExactlyAsTheIndependentSigner() {
        RpcMessage signed = MessageSigning.sign(SPEC_IDENTITY, unsigned());
        assertArrayEquals(hex(PEER_ID), signed.from(), "from is filled in with the identity's Peer ID");
        assertEquals(SIGNATURE, HEX.formatHex(signed.signature()));
        assertNull(signed.key(), "an Ed25519 key is inlined in the Peer ID, so no key field");
        assertEquals(GO_STYLE_RPC, HEX.formatHex(RpcCodec.encode(new Rpc(List.of(), List.of(signed), null))));
    }

    @Test
    void signAndVerifyRoundTripWithAGeneratedIdentityThroughTheCodec() {
        HostIdentity identity = identity(PrivateKey.generateEd25519(new SecureRandom()));
        RpcMessage signed = MessageSigning.sign(identity, new RpcMessage(identity.peerId().bytes(), new byte[1000],
                hex("0102030405060708"), "t\u00e9", null, null));
        assertNull(verify(signed));
        Rpc decoded = RpcCodec.decode(RpcCodec.encode(new Rpc(List.of(), List.of(signed), null)),
                RpcLimits.DEFAULTS);
        assertNull(verify(decoded.publish().get(0)));
    }

    @Test
    void setsKeyForAHashedPeerIdAndChecksItAgainstFrom() {
        HostIdentity ecdsa = identity(ECDSA_PRIVATE_KEY);
        assertTrue(ecdsa.peerId().publicKey().isEmpty(), "fixture must have a hashed Peer ID");
        RpcMessage signed = MessageSigning.sign(ecdsa, unsigned());
        assertArrayEquals(ecdsa.publicKey().marshal(), signed.key());
        assertNull(verify(signed));

        assertEquals("from is a hashed peer id and the message carries no key",
                verify(withKey(signed, null)));
        assertEquals("key does not match from",
                verify(withKey(signed, SPEC_IDENTITY.publicKey().marshal())));
        assertTrue(verify(withKey(signed, hex("0801"))).startsWith("key is not a valid public key: "));
    }

    @Test
    void acceptsARedundantMatchingKeyAndRejectsAForeignOneForAnInlinedPeerId() {
        RpcMessage signed = MessageSigning.sign(SPEC_IDENTITY, unsigned());
        assertNull(verify(withKey(signed, SPEC_IDENTITY.publicKey().marshal())));
        HostIdentity other = identity(PrivateKey.generateEd25519(new SecureRandom()));
        assertEquals("key does not match from", verify(withKey(signed, other.publicKey().marshal())));
    }

    @Test
    void rejectsTamperedFields() {
        RpcMessage s = MessageSigning.sign(SPEC_IDENTITY, unsigned());
        HostIdentity other = identity(PrivateKey.generateEd25519(new SecureRandom()));
        List<RpcMessage> tampered = List.of(
                new RpcMessage(s.from(), "hellO".getBytes(StandardCharsets.UTF_8), s.seqno(), s.topic(), s.signature(),
                        null),
                new RpcMessage(s.from(), s.data(), s.seqno(), "meshwork/tesT", s.signature(), null),
                new RpcMessage(s.from(), s.data(), hex("0000000000000002"), s.topic(), s.signature(), null),
                new RpcMessage(s.from(), s.data(), null, s.topic(), s.signature(), null),
                new RpcMessage(s.from(), s.data(), s.seqno(), null, s.signature(), null),
                new RpcMessage(s.from(), null, s.seqno(), s.topic(), s.signature(), null),
                new RpcMessage(other.peerId().bytes(), s.data(), s.seqno(), s.topic(), s.signature(), null));
        for (RpcMessage message : tampered) {
            assertEquals("bad signature", verify(message), RpcFixtures.describe(message));
        }
        byte[] flipped = s.signature().clone();
        flipped[10] ^= 1;
        assertEquals("bad signature", verify(
                new RpcMessage(s.from(), s.data(), s.seqno(), s.topic(), flipped, null)));
        assertEquals("bad signature", verify(
                new RpcMessage(s.from(), s.data(), s.seqno(), s.topic(), new byte[3], null)));
    }

    @Test
    void explainsMissingOrMalformedAuthorFields() {
        RpcMessage s = MessageSigning.sign(SPEC_IDENTITY, unsigned());
        assertEquals("no signature", verify(unsigned()));
        assertEquals("no from", verify(new RpcMessage(null, s.data(), s.seqno(), s.topic(),
                s.signature(), null)));
        String reason = verify(new RpcMessage(hex("1220ff"), s.data(), s.seqno(), s.topic(),
                s.signature(), null));
        assertNotNull(reason);
        assertTrue(reason.startsWith("from is not a peer id: "), reason);
    }

    @Test
    void refusesToSignAsSomeoneElse() {
        HostIdentity other = identity(PrivateKey.generateEd25519(new SecureRandom()));
        RpcMessage foreign = new RpcMessage(other.peerId().bytes(), null, null, "t", null, null);
        assertThrows(IllegalArgumentException.class, () -> MessageSigning.sign(SPEC_IDENTITY, foreign));
    }

    @Test
    void strictSignRequiresFromSeqnoAndSignatureWithAnEightByteSeqno() {
        RpcMessage s = MessageSigning.sign(SPEC_IDENTITY, unsigned());
        assertNull(MessageSigning.checkSignedFields(s));
        assertEquals("no signature", MessageSigning.checkSignedFields(
                new RpcMessage(s.from(), s.data(), s.seqno(), s.topic(), null, null)));
        assertEquals("no from", MessageSigning.checkSignedFields(
                new RpcMessage(null, s.data(), s.seqno(), s.topic(), s.signature(), null)));
        assertEquals("no seqno", MessageSigning.checkSignedFields(
                new RpcMessage(s.from(), s.data(), null, s.topic(), s.signature(), null)));
        // js floodsub drops leading zero bytes of its random seqno: 7 bytes (or fewer) are legitimate
        assertNull(MessageSigning.checkSignedFields(
                new RpcMessage(s.from(), s.data(), new byte[7], s.topic(), s.signature(), null)));
        assertEquals("seqno is 0 bytes, not 1 to 8", MessageSigning.checkSignedFields(
                new RpcMessage(s.from(), s.data(), new byte[0], s.topic(), s.signature(), null)));
        assertEquals("seqno is 9 bytes, not 1 to 8", MessageSigning.checkSignedFields(
                new RpcMessage(s.from(), s.data(), new byte[9], s.topic(), s.signature(), null)));
    }

    @Test
    void strictNoSignRejectsAuthorFieldsEvenWhenEmpty() {
        byte[] data = {1};
        assertNull(MessageSigning.checkUnsigned(new RpcMessage(null, data, null, "t", null, null)));
        assertNull(MessageSigning.checkUnsigned(new RpcMessage(null, null, null, null, null, null)));
        byte[] empty = new byte[0];
        assertEquals("unexpected from in an unsigned message",
                MessageSigning.checkUnsigned(new RpcMessage(empty, data, null, "t", null, null)));
        assertEquals("unexpected seqno in an unsigned message",
                MessageSigning.checkUnsigned(new RpcMessage(null, data, empty, "t", null, null)));
        assertEquals("unexpected signature in an unsigned message",
                MessageSigning.checkUnsigned(new RpcMessage(null, data, null, "t", empty, null)));
        assertEquals("unexpected key in an unsigned message",
                MessageSigning.checkUnsigned(new RpcMessage(null, data, null, "t", null, empty)));
        // and presence survives the wire: an empty from decodes as present
        RpcMessage decoded = RpcCodec.decode(hex("12 05 0a00 220174"), RpcLimits.DEFAULTS).publish().get(0);
        assertEquals("unexpected from in an unsigned message", MessageSigning.checkUnsigned(decoded));
    }

    /**
     * Both paths: the plain one (a key object per message) and the Ed25519 verifier's (twice, so that the second
     * check uses the author's key table) must reach the same verdict; returns the plain path's reason.
     */
    private static @Nullable String verify(RpcMessage m) {
        String plain = MessageSigning.verify(m);
        String fast = MessageSigning.verify(m, ED25519);
        String again = MessageSigning.verify(m, ED25519);
        assertEquals(plain == null, fast == null, "verdicts differ: plain " + plain + ", verifier " + fast);
        assertEquals(fast, again);
        return plain;
    }

    private static RpcMessage withKey(RpcMessage m, byte @Nullable [] key) {
        return new RpcMessage(m.from(), m.data(), m.seqno(), m.topic(), m.signature(), key);
    }
}
