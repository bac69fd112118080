package io.meshwork.benchmarks;

import io.meshwork.libp2p.muxer.yamux.internal.YamuxDecoderProbe;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxProtocolException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Yamux frame decoder alone on a buffer of {@value #FRAMES} DATA frames (over 8 streams). {@code chunk = 0}:
 * the whole buffer in one call, so every payload is handed over as a slice (no copy; only headers are read).
 * {@code chunk = 16384}: the buffer in 16 KiB chunks, so frames that cross a chunk boundary are assembled (a
 * buffer allocated and the payload copied). One op = one frame; MB/s = ops/s &times; (12 + payload).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class YamuxDecoderBench {

    static final int FRAMES = 1024;

    /** DATA payload bytes per frame. */
    @Param({"16", "1024", "65507"})
    public int payload;

    /** Bytes per decode call; 0 = the whole buffer at once. */
    @Param({"0", "16384"})
    public int chunk;

    private byte[] frames;
    private YamuxDecoderProbe probe;

    @Setup
    public void setup() throws YamuxProtocolException {
        frames = YamuxDecoderProbe.dataFrames(FRAMES, payload, 8);
        probe = new YamuxDecoderProbe(16 * 1024 * 1024);
        if (decode() != FRAMES || probe.payloadBytes() != (long) FRAMES * payload) {
            throw new IllegalStateException("decoder did not see every frame");
        }
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decode() throws YamuxProtocolException {
        if (chunk == 0) {
            return probe.decode(ByteBuffer.wrap(frames));
        }
        long n = 0;
        for (int off = 0; off < frames.length; off += chunk) {
            n += probe.decode(ByteBuffer.wrap(frames, off, Math.min(chunk, frames.length - off)));
        }
        return n;
    }
}
