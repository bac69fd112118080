package io.meshwork.benchmarks;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.security.noise.internal.AeadProvider;
import io.meshwork.libp2p.security.noise.internal.LibP2pNoiseHandshake;
import io.meshwork.libp2p.security.noise.internal.NoiseException;
import io.meshwork.libp2p.security.noise.internal.NoiseFramer;
import io.meshwork.libp2p.security.noise.internal.NoiseSession;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 1 MiB of plaintext through a real Noise session pair (from an in-memory XX handshake): {@link NoiseFramer#encrypt}
 * into 17 length-prefixed transport frames (16 full 65519-byte ones and a remainder), and
 * {@link NoiseFramer#decryptFrames} on the receiving session. One op = 1 MiB of plaintext, so ops/s = MiB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoiseTransportBench {

    static final int SIZE = 1024 * 1024;

    @Param({"JDK", "BOUNCY_CASTLE"})
    public AeadProvider provider;

    private NoiseSession sender;
    private NoiseSession receiver;
    private byte[] plaintext;
    private byte[] wire;

    @Setup
    public void setup() throws NoiseException {
        NoiseSession[] pair = sessionPair(provider);
        sender = pair[0];
        receiver = pair[1];
        plaintext = new byte[SIZE];
        new Random(42).nextBytes(plaintext);
        wire = new byte[NoiseFramer.wireLength(SIZE)];
        // Sanity: one round trip gives the plaintext back.
        int n = NoiseFramer.encrypt(sender, plaintext, 0, SIZE, wire, 0);
        if (!java.util.Arrays.equals(plaintext, NoiseFramer.decryptFrames(receiver, wire, 0, n))) {
            throw new IllegalStateException("round trip mismatch");
        }
    }

    /** Sender side only: split, seal and frame 1 MiB into a preallocated wire buffer. */
    @Benchmark
    public byte[] encrypt() throws NoiseException {
        NoiseFramer.encrypt(sender, plaintext, 0, SIZE, wire, 0);
        return wire;
    }

    /** Both sides: encrypt 1 MiB, then decrypt the frames on the peer session into a new plaintext array. */
    @Benchmark
    public byte[] encryptDecrypt() throws NoiseException {
        int n = NoiseFramer.encrypt(sender, plaintext, 0, SIZE, wire, 0);
        return NoiseFramer.decryptFrames(receiver, wire, 0, n);
    }

    /** A connected pair from a full in-memory handshake: [0] initiator, [1] responder. */
    static NoiseSession[] sessionPair(AeadProvider provider) throws NoiseException {
        SecureRandom random = new SecureRandom();
        PrivateKey a = PrivateKey.generateEd25519(random);
        PrivateKey b = PrivateKey.generateEd25519(random);
        LibP2pNoiseHandshake initiator = LibP2pNoiseHandshake.builder(a.publicKey(), a::sign)
                .aeadProvider(provider).initiator(null);
        LibP2pNoiseHandshake responder = LibP2pNoiseHandshake.builder(b.publicKey(), b::sign)
                .aeadProvider(provider).responder();
        responder.start();
        byte[] m1 = initiator.start().orElseThrow();
        byte[] m2 = responder.onMessage(m1).outbound().orElseThrow();
        LibP2pNoiseHandshake.Step s3 = initiator.onMessage(m2);
        LibP2pNoiseHandshake.Step s4 = responder.onMessage(s3.outbound().orElseThrow());
        NoiseSession i = s3.completion().orElseThrow().session();
        NoiseSession r = s4.completion().orElseThrow().session();
        if (i.aeadProvider() != provider.resolve() || r.aeadProvider() != provider.resolve()) {
            throw new IllegalStateException("sessions use " + i.aeadProvider() + ", not " + provider);
        }
        return new NoiseSession[] {i, r};
    }
}
