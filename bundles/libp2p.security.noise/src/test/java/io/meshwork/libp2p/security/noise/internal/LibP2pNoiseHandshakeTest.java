package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LibP2pNoiseHandshakeTest {

    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";

    private final PrivateKey dialer = TestPeers.newIdentity();
    private final PrivateKey listener = TestPeers.newIdentity();
    private final PeerId dialerId = PeerId.fromPublicKey(dialer.publicKey());
    private final PeerId listenerId = PeerId.fromPublicKey(listener.publicKey());

    @ParameterizedTest
    @CsvSource({"JDK, JDK", "BOUNCY_CASTLE, BOUNCY_CASTLE", "JDK, BOUNCY_CASTLE", "BOUNCY_CASTLE, JDK"})
    void bothSidesLearnTheOtherPeerIdAndTalkThroughTheSession(AeadProvider dialerAead, AeadProvider listenerAead)
            throws NoiseException {
        TestPeers.Outcome outcome = TestPeers.run(
                TestPeers.builder(dialer).aeadProvider(dialerAead).initiator(listenerId),
                TestPeers.builder(listener).aeadProvider(listenerAead).responder());

        assertEquals(listenerId, outcome.initiator().remotePeerId());
        assertEquals(listener.publicKey(), outcome.initiator().remoteIdentityKey());
        assertEquals(dialerId, outcome.responder().remotePeerId());
        assertEquals(dialer.publicKey(), outcome.responder().remoteIdentityKey());
        assertEquals(dialerAead, outcome.initiator().session().aeadProvider());
        assertArrayEquals(outcome.initiator().session().handshakeHash(),
                outcome.responder().session().handshakeHash());

        NoiseSession a = outcome.initiator().session();
        NoiseSession b = outcome.responder().session();
        byte[] big = AeadTest.bytes(new Random(7), 200_000);
        assertArrayEquals(big, NoiseFramer.decryptFrames(b, NoiseFramer.encrypt(a, big, 0, big.length), 0,
                NoiseFramer.wireLength(big.length)));
        byte[] reply = "pong".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(reply, a.decrypt(b.encrypt(reply)));
        assertEquals(1, b.messagesSent());
        assertEquals(1, a.messagesReceived());
    }

    @Test
    void messageSizesMatchTheSpecForEd25519WithoutExtensions() throws NoiseException {
        TestPeers.Outcome outcome = TestPeers.run(TestPeers.builder(dialer).initiator(null),
                TestPeers.builder(listener).responder());
        assertEquals(32, outcome.messages().get(0).length);
        assertEquals(200, outcome.messages().get(1).length);
        assertEquals(168, outcome.messages().get(2).length);
        assertEquals(Optional.empty(), outcome.initiator().muxer());
        assertEquals(Optional.empty(), outcome.initiator().remoteExtensions());
    }

    @Test
    void muxerIsTheInitiatorsFirstChoiceThatTheResponderSupports() throws NoiseException {
        // the spec's example: the server prefers mplex, the client yamux; the client's order wins
        TestPeers.Outcome outcome = TestPeers.run(
                TestPeers.builder(dialer).muxers(List.of(YAMUX, MPLEX)).initiator(listenerId),
                TestPeers.builder(listener).muxers(List.of(MPLEX, YAMUX)).responder());
        assertEquals(Optional.of(YAMUX), outcome.initiator().muxer());
        assertEquals(Optional.of(YAMUX), outcome.responder().muxer());
        assertEquals(List.of(MPLEX, YAMUX), outcome.initiator().remoteExtensions().orElseThrow().streamMuxers());

        outcome = TestPeers.run(
                TestPeers.builder(dialer).muxers(List.of("/other/1", MPLEX, YAMUX)).initiator(listenerId),
                TestPeers.builder(listener).muxers(List.of(YAMUX, MPLEX)).responder());
        assertEquals(Optional.of(MPLEX), outcome.initiator().muxer());
        assertEquals(Optional.of(MPLEX), outcome.responder().muxer());
    }

    @Test
    void noMuxerIsChosenWhenEitherSideSendsNoList() throws NoiseException {
        TestPeers.Outcome dialerWithout = TestPeers.run(TestPeers.builder(dialer).initiator(listenerId),
                TestPeers.builder(listener).muxers(List.of(YAMUX)).responder());
        assertEquals(Optional.empty(), dialerWithout.initiator().muxer());
        assertEquals(Optional.empty(), dialerWithout.responder().muxer());
        assertEquals(Optional.empty(), dialerWithout.responder().remoteExtensions());

        TestPeers.Outcome listenerWithout = TestPeers.run(
                TestPeers.builder(dialer).muxers(List.of(YAMUX)).initiator(listenerId),
                TestPeers.builder(listener).responder());
        assertEquals(Optional.empty(), listenerWithout.initiator().muxer());
        assertEquals(Optional.empty(), listenerWithout.responder().muxer());
    }

    @Test
    void listsWithoutOverlapFailTheHandshakeOnBothSides() throws NoiseException {
        LibP2pNoiseHandshake initiator = TestPeers.builder(dialer).muxers(List.of(YAMUX)).initiator(listenerId);
        LibP2pNoiseHandshake responder = TestPeers.builder(listener).muxers(List.of(MPLEX)).responder();
        responder.start();
        byte[] m2 = responder.onMessage(initiator.start().orElseThrow()).outbound().orElseThrow();
        NoiseException e = assertThrows(NoiseException.class, () -> initiator.onMessage(m2));
        assertEquals(NoiseException.Reason.NO_COMMON_MUXER, e.reason());
        assertEquals("no common stream muxer: initiator offers [/yamux/1.0.0], responder offers [/mplex/6.7.0]",
                e.getMessage());

        // a responder facing an initiator that sends message 3 anyway fails the same way
        NoiseException onResponder = assertThrows(NoiseException.class, () -> TestPeers.run(
                TestPeers.builder(dialer).muxers(List.of(YAMUX)).initiator(listenerId),
                TestPeers.builder(listener).muxers(List.of(MPLEX, "/x")).responder()));
        assertEquals(NoiseException.Reason.NO_COMMON_MUXER, onResponder.reason());
    }

    @Test
    void dialingTheWrongPeerFailsNamingBothIds() throws NoiseException {
        PeerId someoneElse = PeerId.fromPublicKey(TestPeers.newIdentity().publicKey());
        LibP2pNoiseHandshake initiator = TestPeers.builder(dialer).initiator(someoneElse);
        LibP2pNoiseHandshake responder = TestPeers.builder(listener).responder();
        responder.start();
        byte[] m2 = responder.onMessage(initiator.start().orElseThrow()).outbound().orElseThrow();
        NoiseException e = assertThrows(NoiseException.class, () -> initiator.onMessage(m2));
        assertEquals(NoiseException.Reason.PEER_ID_MISMATCH, e.reason());
        assertEquals("dialed " + someoneElse + " but the peer is " + listenerId, e.getMessage());
        assertTrue(e.getMessage().contains("12D3KooW"), e.getMessage());
        assertFalse(initiator.isComplete());
    }

    @Test
    void aSignatureOverAnotherStaticKeyIsRejected() {
        X25519KeyPair otherStatic = X25519KeyPair.generate(new SecureRandom());
        // a responder whose identity signs a Noise static key other than the one it uses
        LibP2pNoiseHandshake liar = LibP2pNoiseHandshake.builder(listener.publicKey(),
                data -> listener.sign(LibP2pNoiseHandshake.signedData(otherStatic.publicKey()))).responder();
        NoiseException e = assertThrows(NoiseException.class,
                () -> TestPeers.run(TestPeers.builder(dialer).initiator(listenerId), liar));
        assertEquals(NoiseException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("remote identity signature does not verify"), e.getMessage());

        // an initiator claiming the listener's identity key but signing with its own key
        LibP2pNoiseHandshake impostor = LibP2pNoiseHandshake.builder(listener.publicKey(), dialer::sign)
                .initiator(null);
        e = assertThrows(NoiseException.class,
                () -> TestPeers.run(impostor, TestPeers.builder(listener).responder()));
        assertEquals(NoiseException.Reason.INVALID_SIGNATURE, e.reason());
    }

    @Test
    void aTamperedHandshakeMessageFails() throws NoiseException {
        for (int message = 0; message < 3; message++) {
            for (int position : new int[] {0, 31, 40, 100, -1}) {
                LibP2pNoiseHandshake initiator = TestPeers.builder(dialer).initiator(listenerId);
                LibP2pNoiseHandshake responder = TestPeers.builder(listener).responder();
                responder.start();
                byte[] m1 = initiator.start().orElseThrow();
                if (message == 0) {
                    // message 1 is a bare ephemeral key; altering it breaks the transcript, seen at message 2
                    m1 = flip(m1, Math.min(Math.floorMod(position, m1.length), m1.length - 1));
                }
                byte[] m2 = responder.onMessage(m1).outbound().orElseThrow();
                if (message == 1) {
                    m2 = flip(m2, Math.floorMod(position, m2.length));
                }
                if (message < 2) {
                    byte[] received = m2;
                    NoiseException e = assertThrows(NoiseException.class, () -> initiator.onMessage(received));
                    assertTrue(e.reason() == NoiseException.Reason.DECRYPTION_FAILED
                            || e.reason() == NoiseException.Reason.INVALID_REMOTE_KEY, e.toString());
                    continue;
                }
                byte[] m3 = flip(initiator.onMessage(m2).outbound().orElseThrow(), Math.floorMod(position, 168));
                NoiseException e = assertThrows(NoiseException.class, () -> responder.onMessage(m3));
                assertEquals(NoiseException.Reason.DECRYPTION_FAILED, e.reason());
                assertTrue(e.getMessage().contains("handshake message 3"), e.getMessage());
                assertTrue(e.getMessage().contains("decryption failed (bad tag)"), e.getMessage());
            }
        }
    }

    @Test
    void aLowOrderEphemeralKeyIsRejected() throws NoiseException {
        LibP2pNoiseHandshake responder = TestPeers.builder(listener).responder();
        responder.start();
        NoiseException e = assertThrows(NoiseException.class, () -> responder.onMessage(new byte[32]));
        assertEquals(NoiseException.Reason.INVALID_REMOTE_KEY, e.reason());
    }

    @Test
    void handshakeMessagesOutsideTheLimitsAreRejected() throws NoiseException {
        LibP2pNoiseHandshake responder = TestPeers.builder(listener).responder();
        responder.start();
        NoiseException e = assertThrows(NoiseException.class, () -> responder.onMessage(new byte[70000]));
        assertEquals(NoiseException.Reason.FRAME_TOO_LARGE, e.reason());
        assertEquals("handshake message 1 too large: 70000 > 65535", e.getMessage());

        LibP2pNoiseHandshake initiator = TestPeers.builder(dialer).initiator(null);
        initiator.start();
        e = assertThrows(NoiseException.class, () -> initiator.onMessage(new byte[95]));
        assertEquals(NoiseException.Reason.MALFORMED_MESSAGE, e.reason());
        assertEquals("handshake message 2 too short: 95 < 96 bytes", e.getMessage());
    }

    @Test
    void callsOutOfOrderAreRejected() throws NoiseException {
        LibP2pNoiseHandshake initiator = TestPeers.builder(dialer).initiator(null);
        assertEquals(NoiseException.Reason.ILLEGAL_STATE,
                assertThrows(NoiseException.class, () -> initiator.onMessage(new byte[96])).reason());
        initiator.start();
        assertEquals(NoiseException.Reason.ILLEGAL_STATE,
                assertThrows(NoiseException.class, initiator::start).reason());

        // after a failure, everything fails
        assertThrows(NoiseException.class, () -> initiator.onMessage(new byte[10]));
        NoiseException e = assertThrows(NoiseException.class, () -> initiator.onMessage(new byte[96]));
        assertEquals("handshake already failed", e.getMessage());

        LibP2pNoiseHandshake a = TestPeers.builder(dialer).initiator(null);
        LibP2pNoiseHandshake b = TestPeers.builder(listener).responder();
        TestPeers.Outcome outcome = TestPeers.run(a, b);
        assertTrue(a.isComplete() && b.isComplete());
        e = assertThrows(NoiseException.class, () -> b.onMessage(outcome.messages().get(2)));
        assertEquals(NoiseException.Reason.ILLEGAL_STATE, e.reason());
    }

    @Test
    void eachHandshakeUsesAFreshStaticKey() throws NoiseException {
        byte[] first = TestPeers.run(TestPeers.builder(dialer).initiator(null),
                TestPeers.builder(listener).responder()).messages().get(1);
        byte[] second = TestPeers.run(TestPeers.builder(dialer).initiator(null),
                TestPeers.builder(listener).responder()).messages().get(1);
        assertFalse(Arrays.equals(Arrays.copyOf(first, 32), Arrays.copyOf(second, 32)));
    }

    @Test
    void sessionRejectsOversizedShortAndForgedFramesAndStopsAfterAFailure() throws NoiseException {
        NoiseSession[] pair = TestPeers.sessionPair(AeadProvider.AUTO);
        NoiseException e = assertThrows(NoiseException.class, () -> pair[1].decrypt(new byte[70000]));
        assertEquals(NoiseException.Reason.FRAME_TOO_LARGE, e.reason());
        assertEquals("Noise frame too large: 70000 > 65535", e.getMessage());

        NoiseSession[] fresh = TestPeers.sessionPair(AeadProvider.AUTO);
        e = assertThrows(NoiseException.class, () -> fresh[1].decrypt(new byte[15]));
        assertEquals(NoiseException.Reason.MALFORMED_MESSAGE, e.reason());

        NoiseSession[] s = TestPeers.sessionPair(AeadProvider.AUTO);
        assertArrayEquals(new byte[] {1}, s[1].decrypt(s[0].encrypt(new byte[] {1})));
        byte[] forged = s[0].encrypt(new byte[] {2, 3});
        forged[0] ^= 1;
        e = assertThrows(NoiseException.class, () -> s[1].decrypt(forged));
        assertEquals(NoiseException.Reason.DECRYPTION_FAILED, e.reason());
        assertEquals("decryption failed (bad tag) on transport receive message 1", e.getMessage());
        byte[] next = s[0].encrypt(new byte[] {4});
        assertEquals(NoiseException.Reason.ILLEGAL_STATE,
                assertThrows(NoiseException.class, () -> s[1].decrypt(next)).reason());
        assertThrows(IllegalArgumentException.class,
                () -> s[0].encrypt(new byte[NoiseSession.MAX_PLAINTEXT_LENGTH + 1]));
    }

    @Test
    void sendingStopsBeforeTheReservedNonce() throws NoiseException {
        NoiseSession[] pair = TestPeers.sessionPair(AeadProvider.BOUNCY_CASTLE);
        pair[0].sender().setNonce(-2L);
        pair[1].receiver().setNonce(-2L);
        assertArrayEquals(new byte[] {9}, pair[1].decrypt(pair[0].encrypt(new byte[] {9})));
        NoiseException e = assertThrows(NoiseException.class, () -> pair[0].encrypt(new byte[] {9}));
        assertEquals(NoiseException.Reason.NONCE_EXHAUSTED, e.reason());
    }

    private static byte[] flip(byte[] message, int position) {
        byte[] copy = message.clone();
        copy[position] ^= 0x20;
        return copy;
    }
}
