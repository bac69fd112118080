package io.meshwork.benchmarks;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.security.noise.internal.AeadProvider;
import io.meshwork.libp2p.security.noise.internal.LibP2pNoiseHandshake;
import io.meshwork.libp2p.security.noise.internal.NoiseException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One complete libp2p Noise XX handshake per op, both sides on this thread, as a dialer and a listener would run
 * it: fresh X25519 static and ephemeral keys on each side (4 key generations), 3 X25519 agreements per side, an
 * Ed25519 signature and verification per side, the inlined muxer negotiation ({@code /yamux/1.0.0}), and the
 * initiator checking the responder's Peer ID. The Ed25519 identities are made once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoiseHandshakeBench {

    private static final List<String> MUXERS = List.of("/yamux/1.0.0");

    private LibP2pNoiseHandshake.Builder initiatorBuilder;
    private LibP2pNoiseHandshake.Builder responderBuilder;
    private PeerId responderId;

    @Setup
    public void setup() throws NoiseException {
        SecureRandom random = new SecureRandom();
        PrivateKey a = PrivateKey.generateEd25519(random);
        PrivateKey b = PrivateKey.generateEd25519(random);
        initiatorBuilder = LibP2pNoiseHandshake.builder(a.publicKey(), a::sign).muxers(MUXERS)
                .aeadProvider(AeadProvider.AUTO);
        responderBuilder = LibP2pNoiseHandshake.builder(b.publicKey(), b::sign).muxers(MUXERS)
                .aeadProvider(AeadProvider.AUTO);
        responderId = PeerId.fromPublicKey(b.publicKey());
        LibP2pNoiseHandshake.Completion done = handshake();
        if (!done.muxer().equals(java.util.Optional.of("/yamux/1.0.0"))) {
            throw new IllegalStateException("muxer not agreed: " + done.muxer());
        }
    }

    @Benchmark
    public void handshake(Blackhole bh) throws NoiseException {
        bh.consume(handshake());
    }

    private LibP2pNoiseHandshake.Completion handshake() throws NoiseException {
        LibP2pNoiseHandshake initiator = initiatorBuilder.initiator(responderId);
        LibP2pNoiseHandshake responder = responderBuilder.responder();
        responder.start();
        byte[] m1 = initiator.start().orElseThrow();
        byte[] m2 = responder.onMessage(m1).outbound().orElseThrow();
        LibP2pNoiseHandshake.Step s3 = initiator.onMessage(m2);
        LibP2pNoiseHandshake.Step s4 = responder.onMessage(s3.outbound().orElseThrow());
        s3.completion().orElseThrow();
        return s4.completion().orElseThrow();
    }
}
