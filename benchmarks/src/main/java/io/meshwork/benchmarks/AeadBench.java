package io.meshwork.benchmarks;

import io.meshwork.libp2p.security.noise.internal.Aead;
import io.meshwork.libp2p.security.noise.internal.AeadProvider;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
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
 * One ChaCha20-Poly1305 seal or open of a single Noise transport message: 1 KiB, or the largest plaintext a Noise
 * frame holds (65519 bytes, 65535 on the wire with the tag). One op = one message; MB/s = ops/s &times; size.
 *
 * <p>{@link #decryptFramed()} opens the same messages at offset 2 of a framed buffer, as a receiver does.
 *
 * <p>Encryption uses a fresh counter per op (the JDK refuses a repeated key and nonce). Decryption cycles over eight
 * ciphertexts made with counters 0..7, so consecutive ops never repeat a nonce (a repeat would make
 * {@code JdkChaChaPolyAead} initialise the cipher twice).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AeadBench {

    private static final byte[] NO_AD = new byte[0];
    private static final int CIPHERTEXTS = 8;

    @Param({"JDK", "BOUNCY_CASTLE"})
    public AeadProvider provider;

    /** Plaintext bytes per message. */
    @Param({"1024", "65519"})
    public int size;

    private Aead sealer;
    private Aead opener;
    private byte[] plaintext;
    private byte[] out;
    private byte[][] ciphertexts;
    private byte[][] framed;
    private long sendCounter;
    private int openIndex;

    @Setup
    public void setup() {
        Random random = new Random(42);
        byte[] key = new byte[Aead.KEY_LENGTH];
        random.nextBytes(key);
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        out = new byte[size + Aead.TAG_LENGTH];

        sealer = provider.newAead();
        sealer.init(key);
        opener = provider.newAead();
        opener.init(key);

        Aead maker = provider.newAead();
        maker.init(key);
        ciphertexts = new byte[CIPHERTEXTS][];
        framed = new byte[CIPHERTEXTS][];
        for (int i = 0; i < CIPHERTEXTS; i++) {
            ciphertexts[i] = new byte[size + Aead.TAG_LENGTH];
            maker.encrypt(i, NO_AD, plaintext, 0, size, ciphertexts[i], 0);
            framed[i] = new byte[2 + ciphertexts[i].length];
            System.arraycopy(ciphertexts[i], 0, framed[i], 2, ciphertexts[i].length);
        }
        if (sealer.provider() != provider || opener.provider() != provider) {
            throw new IllegalStateException("asked for " + provider + " but got " + sealer.provider());
        }
    }

    @Benchmark
    public byte[] encrypt() {
        sealer.encrypt(sendCounter++, NO_AD, plaintext, 0, size, out, 0);
        return out;
    }

    @Benchmark
    public byte[] decrypt() throws AEADBadTagException {
        int i = openIndex;
        openIndex = (i + 1) & (CIPHERTEXTS - 1);
        byte[] in = ciphertexts[i];
        opener.decrypt(i, NO_AD, in, 0, in.length, out, 0);
        return out;
    }

    /**
     * As {@link #decrypt()}, but the ciphertext starts at offset 2 of its array, behind a Noise length prefix, as
     * in {@code NoiseFramer.decryptFrames} and any receive buffer (some JDKs copy the input when the offset is not 0).
     */
    @Benchmark
    public byte[] decryptFramed() throws AEADBadTagException {
        int i = openIndex;
        openIndex = (i + 1) & (CIPHERTEXTS - 1);
        byte[] in = framed[i];
        opener.decrypt(i, NO_AD, in, 2, in.length - 2, out, 0);
        return out;
    }
}
