package io.meshwork.libp2p.security.noise.internal;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/** Identities and in-memory handshakes for tests. */
final class TestPeers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPeers() {
    }

    static PrivateKey newIdentity() {
        return PrivateKey.generateEd25519(RANDOM);
    }

    static LibP2pNoiseHandshake.Builder builder(PrivateKey identity) {
        return LibP2pNoiseHandshake.builder(identity.publicKey(), identity::sign);
    }

    /** Both completions of a handshake, and the three messages exchanged. */
    record Outcome(LibP2pNoiseHandshake.Completion initiator, LibP2pNoiseHandshake.Completion responder,
            List<byte[]> messages) {
    }

    /** Runs a whole handshake in memory, as two event loops passing frame bodies would. */
    static Outcome run(LibP2pNoiseHandshake initiator, LibP2pNoiseHandshake responder) throws NoiseException {
        assertEmpty(responder.start());
        byte[] m1 = initiator.start().orElseThrow();
        LibP2pNoiseHandshake.Step s2 = responder.onMessage(m1);
        assertEmpty(s2.completion());
        byte[] m2 = s2.outbound().orElseThrow();
        LibP2pNoiseHandshake.Step s3 = initiator.onMessage(m2);
        byte[] m3 = s3.outbound().orElseThrow();
        LibP2pNoiseHandshake.Completion initiatorDone = s3.completion().orElseThrow();
        LibP2pNoiseHandshake.Step s4 = responder.onMessage(m3);
        assertEmpty(s4.outbound());
        return new Outcome(initiatorDone, s4.completion().orElseThrow(), List.of(m1, m2, m3));
    }

    /** A connected pair of sessions: [0] initiator, [1] responder. */
    static NoiseSession[] sessionPair(AeadProvider provider) throws NoiseException {
        Outcome outcome = run(builder(newIdentity()).aeadProvider(provider).initiator(null),
                builder(newIdentity()).aeadProvider(provider).responder());
        return new NoiseSession[] {outcome.initiator().session(), outcome.responder().session()};
    }

    private static void assertEmpty(Optional<?> optional) {
        if (optional.isPresent()) {
            throw new AssertionError("expected nothing, got " + optional.get());
        }
    }
}
