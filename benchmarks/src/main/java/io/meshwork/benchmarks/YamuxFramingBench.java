package io.meshwork.benchmarks;

import io.meshwork.libp2p.muxer.yamux.internal.FrameSink;
import io.meshwork.libp2p.muxer.yamux.internal.SerialExecutor;
import io.meshwork.libp2p.muxer.yamux.internal.SessionListener;
import io.meshwork.libp2p.muxer.yamux.internal.StreamListener;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxConfig;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxSession;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxSessionClosedException;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One stream's DATA through two Yamux sessions wired back to back in memory, on one thread (no encryption, no
 * sockets): the client writes 64 MiB per invocation in 64 KiB writes (at most 8 outstanding, paced by the write
 * futures), the server's listener counts what it receives. Each sink copies every frame (header + payload) into a
 * buffer, as the real adapter copies it into a transport write; the driver then hands each frame to the peer
 * session as its own inbound chunk (one frame per Noise message, as on a real connection, since a full frame is
 * exactly one Noise plaintext). Flow control is real: the sender stalls at the granted window until the
 * receiver's WINDOW_UPDATEs are carried back. One op = 1 MiB, so ops/s = MiB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class YamuxFramingBench {

    static final int WRITE = 64 * 1024;
    static final int TOTAL = 64 * 1024 * 1024;
    static final int WRITES = TOTAL / WRITE;
    static final int MAX_OUTSTANDING = 8;

    private final Loop loop = new Loop();
    private final CopyingSink clientOut = new CopyingSink();
    private final CopyingSink serverOut = new CopyingSink();
    private YamuxSession client;
    private YamuxSession server;
    private YamuxStream stream;
    private final byte[] chunk = new byte[WRITE];
    private long received;
    /** While true (setup only), the listener checks every received byte against the written pattern. */
    private boolean verify;
    private int completed;
    private Throwable failure;
    private final BiConsumer<Void, Throwable> onWritten = (v, e) -> {
        if (e != null) {
            failure = e;
        }
        completed++;
    };

    @Setup
    public void setup() {
        new Random(42).nextBytes(chunk);
        YamuxConfig config = YamuxConfig.builder().keepaliveInterval(Duration.ZERO).build();
        SessionListener ignore = reason -> { };
        StreamListener counter = data -> {
            if (verify) {
                for (int i = data.position(); i < data.limit(); i++) {
                    if (data.get(i) != chunk[(int) ((received + i - data.position()) % WRITE)]) {
                        throw new IllegalStateException("corrupt byte at stream offset " + received);
                    }
                }
            }
            received += data.remaining();
        };
        client = new YamuxSession(YamuxSession.Role.CLIENT, config, loop, clientOut, s -> s.reset(), ignore);
        server = new YamuxSession(YamuxSession.Role.SERVER, config, loop, serverOut,
                s -> s.setListener(counter), ignore);
        client.start();
        server.start();
        CompletableFuture<YamuxStream> opened = client.openStream();
        pump();
        stream = opened.join();
        verify = true;
        oneStream();
        verify = false;
        if (received != TOTAL) {
            throw new IllegalStateException("received " + received + " of " + TOTAL);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL / (1024 * 1024))
    public long oneStream() {
        long target = received + TOTAL;
        int issued = 0;
        completed = 0;
        while (received < target) {
            while (issued < WRITES && issued - completed < MAX_OUTSTANDING) {
                stream.write(ByteBuffer.wrap(chunk)).whenComplete(onWritten);
                issued++;
            }
            if (!pump()) {
                throw new IllegalStateException("stalled at " + (target - received) + " bytes to go; " + failure);
            }
        }
        if (failure != null || client.isClosed() || server.isClosed()) {
            throw new IllegalStateException("failed: " + failure + " / " + client.closeReason());
        }
        return received;
    }

    @TearDown
    public void tearDown() {
        client.close();
        server.close();
    }

    /** Carries frames both ways until both sinks are empty; false if there was nothing to carry. */
    private boolean pump() {
        boolean moved = false;
        while (clientOut.frames > 0 || serverOut.frames > 0) {
            moved = true;
            clientOut.deliverTo(server);
            serverOut.deliverTo(client);
            loop.runPending();
        }
        return moved;
    }

    /** Copies each frame into one growing buffer and remembers frame boundaries. */
    static final class CopyingSink implements FrameSink {
        byte[] buf = new byte[1 << 20];
        int[] ends = new int[64];
        int length;
        int frames;

        @Override
        public void writeFrame(byte[] header, ByteBuffer payload) {
            int n = header.length + (payload == null ? 0 : payload.remaining());
            if (length + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
            }
            if (frames == ends.length) {
                ends = Arrays.copyOf(ends, frames * 2);
            }
            System.arraycopy(header, 0, buf, length, header.length);
            if (payload != null) {
                payload.get(payload.position(), buf, length + header.length, payload.remaining());
            }
            length += n;
            ends[frames++] = length;
        }

        @Override
        public void flush() {
        }

        /** Hands every buffered frame to {@code peer} as its own chunk, then empties the buffer. */
        void deliverTo(YamuxSession peer) {
            int start = 0;
            for (int i = 0; i < frames; i++) {
                peer.onInbound(ByteBuffer.wrap(buf, start, ends[i] - start));
                start = ends[i];
            }
            frames = 0;
            length = 0;
        }
    }

    /** A serial context that is always "in" (one thread drives both sessions); timers never fire. */
    static final class Loop implements SerialExecutor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public boolean inExecutor() {
            return true;
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            return () -> { };
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        void runPending() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }
}
