package io.meshwork.benchmarks;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.pubsub.internal.rpc.Ed25519Verifier;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
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

/**
 * Verifying the Ed25519 signature of a gossip message (the signed bytes of a 256-byte pubsub message, 330 bytes):
 * BouncyCastle with a key decoded per message (what the plain path does), BouncyCastle with the key decoded once,
 * and the pubsub bundle's {@link Ed25519Verifier} for an author with a key table (the common case) and without one
 * (an author's first message, or tables disabled). Signing is there for scale: every message costs one signature at
 * its publisher and one verification at each receiver; it is measured with BouncyCastle's signer and with ours
 * ({@link PrivateKey#sign}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignatureVerifyBench {

    private final byte[] message = new byte[330];
    private byte[] publicKey;
    private byte[] signature;
    private Ed25519PrivateKeyParameters signing;
    private Ed25519PublicKeyParameters decoded;
    private Ed25519Verifier withTables;
    private Ed25519Verifier withoutTables;
    private PrivateKey meshworkKey;
    /** Distinct messages of one author and their signatures, for {@link #verifyMeshworkKeyTableVaried}. */
    private final byte[][] variedMessages = new byte[1024][];
    private final byte[][] variedSignatures = new byte[1024][];
    private int next;

    @Setup
    public void setup() {
        SecureRandom random = new SecureRandom();
        random.nextBytes(message);
        signing = new Ed25519PrivateKeyParameters(random);
        decoded = signing.generatePublicKey();
        publicKey = decoded.getEncoded();
        signature = ed25519SignBc();
        meshworkKey = PrivateKey.unmarshal(PrivateKey.generateEd25519(random).marshal());
        withTables = new Ed25519Verifier(4);
        withoutTables = new Ed25519Verifier(0);
        withTables.verify(publicKey, message, signature);
        withTables.verify(publicKey, message, signature); // the second use builds the key's table
        for (int i = 0; i < variedMessages.length; i++) {
            variedMessages[i] = message.clone();
            variedMessages[i][0] = (byte) i;
            variedMessages[i][1] = (byte) (i >> 8);
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, signing);
            s.update(variedMessages[i], 0, variedMessages[i].length);
            variedSignatures[i] = s.generateSignature();
        }
    }

    @Benchmark
    public byte[] ed25519SignBc() {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, signing);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    /** Our constant-time signer ({@link PrivateKey#sign}), the one a Meshwork host signs with. */
    @Benchmark
    public byte[] ed25519SignMeshwork() {
        return meshworkKey.sign(message);
    }

    @Benchmark
    public boolean verifyBcKeyPerMessage() {
        Ed25519Signer s = new Ed25519Signer();
        s.init(false, new Ed25519PublicKeyParameters(publicKey));
        s.update(message, 0, message.length);
        return s.verifySignature(signature);
    }

    @Benchmark
    public boolean verifyBcDecodedKey() {
        Ed25519Signer s = new Ed25519Signer();
        s.init(false, decoded);
        s.update(message, 0, message.length);
        return s.verifySignature(signature);
    }

    @Benchmark
    public boolean verifyMeshworkKeyTable() {
        return withTables.verify(publicKey, message, signature);
    }

    /**
     * As {@link #verifyMeshworkKeyTable}, but each call verifies another of 1,024 messages: the digits, and so the
     * table entries read, change from call to call as they do in a busy node, where the tables do not stay in the
     * core's cache (the same message again and again reads the same 64 entries).
     */
    @Benchmark
    public boolean verifyMeshworkKeyTableVaried() {
        int i = next++ & (variedMessages.length - 1);
        return withTables.verify(publicKey, variedMessages[i], variedSignatures[i]);
    }

    @Benchmark
    public boolean verifyMeshworkNoTable() {
        return withoutTables.verify(publicKey, message, signature);
    }
}
