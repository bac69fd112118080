package io.meshwork.testing;

import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The test protocols every Java test peer and benchmark peer serves (the js twins are in
 * {@code integration-tests/interop-js/node-peer.mjs}), and the client helpers used on Java streams. Handlers are
 * non-blocking and confined to the stream's executor, with at most {@link #MAX_OUTSTANDING} writes of
 * {@link #CHUNK} bytes in flight.
 *
 * <ul>
 * <li>{@value #ECHO}: echoes every byte; half-closes when the remote half-closes.</li>
 * <li>{@value #SINK}: reads until the remote half-closes, replies with the byte count (8 bytes big-endian) and the
 * SHA-256 of the data (32 bytes), half-closes.</li>
 * <li>{@value #SOURCE}: reads an 8-byte big-endian length N, sends the first N bytes of the {@link Generator
 * deterministic stream}, half-closes.</li>
 * </ul>
 */
public final class TestProtocols {

    public static final String ECHO = "/meshwork/test/echo/1.0.0";
    public static final String SINK = "/meshwork/test/sink/1.0.0";
    public static final String SOURCE = "/meshwork/test/source/1.0.0";
    public static final int CHUNK = 64 * 1024;
    /** Writes a sender keeps in flight (8 × 64 KiB: well inside yamux's 1 MiB per-stream send queue). */
    public static final int MAX_OUTSTANDING = 8;

    private TestProtocols() {
    }

    /**
     * The deterministic stream both languages generate: xorshift32 ({@code x ^= x << 13; x ^= x >>> 17;
     * x ^= x << 5}) from seed {@code 0x2545F491}, each new state as 4 bytes little-endian. Chunks must be multiples
     * of 4 bytes except the last.
     */
    public static final class Generator {
        private int x = 0x2545F491;

        public byte[] next(int n) {
            ByteBuffer b = ByteBuffer.allocate((n + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
            int s = x;
            while (b.hasRemaining()) {
                s ^= s << 13;
                s ^= s >>> 17;
                s ^= s << 5;
                b.putInt(s);
            }
            x = s;
            byte[] out = b.array();
            return out.length == n ? out : Arrays.copyOf(out, n);
        }
    }

    /** SHA-256 (hex) of the first {@code total} bytes of the deterministic stream. */
    public static String expectedSha(long total) {
        MessageDigest md = sha256();
        Generator g = new Generator();
        for (long left = total; left > 0;) {
            int n = (int) Math.min(CHUNK, left);
            md.update(g.next(n));
            left -= n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code n} as 8 bytes big-endian, ready to write. */
    public static ByteBuffer u64(long n) {
        return ByteBuffer.allocate(8).putLong(n).flip();
    }

    // ------------------------------------------------------------------ handlers (non-blocking, executor-confined)

    /** Echoes with backpressure: pauses reading while too many echo writes are in flight. */
    public static StreamHandler echo() {
        return stream -> stream.setReader(new DuplexReader() {
            private int outstanding;
            private boolean paused;

            @Override
            public void onData(ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                outstanding++;
                if (outstanding >= MAX_OUTSTANDING && !paused) {
                    paused = true;
                    stream.pauseReading();
                }
                stream.write(ByteBuffer.wrap(copy)).whenComplete((v, e) -> stream.executor().execute(() -> {
                    outstanding--;
                    if (e != null) {
                        stream.reset();
                    } else if (paused && outstanding <= MAX_OUTSTANDING / 2) {
                        paused = false;
                        stream.resumeReading();
                    }
                }));
            }

            @Override
            public void onEnd() {
                stream.closeWrite(); // ordered after the echo writes already issued
            }
        });
    }

    /** Counts and hashes everything, then replies with count + SHA-256. */
    public static StreamHandler sink() {
        return stream -> stream.setReader(new DuplexReader() {
            private final MessageDigest md = sha256();
            private long count;

            @Override
            public void onData(ByteBuffer data) {
                count += data.remaining();
                md.update(data);
            }

            @Override
            public void onEnd() {
                ByteBuffer reply = ByteBuffer.allocate(40).putLong(count).put(md.digest()).flip();
                stream.write(reply);
                stream.closeWrite();
            }
        });
    }

    /** Reads the 8-byte length, then sends that much of the deterministic stream and half-closes. */
    public static StreamHandler source() {
        return stream -> sendAfterLength(stream, () -> {
            Generator gen = new Generator();
            return n -> ByteBuffer.wrap(gen.next(n));
        });
    }

    /**
     * Reads an 8-byte big-endian length N (anything after it is ignored), then sends N bytes taken from
     * {@code chunks} (called with the size of each chunk) through a {@link Pump}.
     */
    public static void sendAfterLength(Duplex stream,
            Supplier<IntFunction<ByteBuffer>> chunks) {
        stream.setReader(new DuplexReader() {
            private final ByteBuffer header = ByteBuffer.allocate(8);
            private boolean started;

            @Override
            public void onData(ByteBuffer data) {
                if (started) {
                    data.position(data.limit());
                    return;
                }
                while (header.hasRemaining() && data.hasRemaining()) {
                    header.put(data.get());
                }
                if (!header.hasRemaining()) {
                    started = true;
                    new Pump(stream, header.flip().getLong(), chunks.get(), null).run();
                }
            }
        });
    }

    /** Writes {@code total} bytes with a bounded window, then half-closes; runs on the stream's executor. */
    public static final class Pump implements Runnable {
        private final Duplex stream;
        private final IntFunction<ByteBuffer> chunks;
        private final @Nullable CompletableFuture<?> failure;
        private long left;
        private int outstanding;
        private boolean done;

        public Pump(Duplex stream, long total, IntFunction<ByteBuffer> chunks,
                @Nullable CompletableFuture<?> failure) {
            this.stream = stream;
            this.left = total;
            this.chunks = chunks;
            this.failure = failure;
        }

        @Override
        public void run() {
            if (done) {
                return;
            }
            while (left > 0 && outstanding < MAX_OUTSTANDING) {
                int n = (int) Math.min(CHUNK, left);
                left -= n;
                outstanding++;
                stream.write(chunks.apply(n)).whenComplete((v, e) -> stream.executor().execute(() -> {
                    outstanding--;
                    if (e != null) {
                        done = true;
                        stream.reset();
                        if (failure != null) {
                            failure.completeExceptionally(e);
                        }
                    } else {
                        run();
                    }
                }));
            }
            if (left == 0) {
                done = true;
                stream.closeWrite();
            }
        }
    }

    // ------------------------------------------------------------------ client side (called from test threads)

    /** Keeps every byte until the remote half-closes. */
    public static final class Collector implements DuplexReader {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        public final CompletableFuture<byte[]> done = new CompletableFuture<>();

        @Override
        public void onData(ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            bytes.write(copy, 0, copy.length);
        }

        @Override
        public void onEnd() {
            done.complete(bytes.toByteArray());
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause != null) {
                done.completeExceptionally(cause);
            } else {
                done.complete(bytes.toByteArray());
            }
        }
    }

    /** Counts and hashes until the remote half-closes; completes with the hex SHA-256. */
    public static final class Hasher implements DuplexReader {
        private final MessageDigest md = sha256();
        public volatile long count;
        public final CompletableFuture<String> done = new CompletableFuture<>();

        @Override
        public void onData(ByteBuffer data) {
            count += data.remaining();
            md.update(data);
        }

        @Override
        public void onEnd() {
            done.complete(HexFormat.of().formatHex(md.digest()));
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause != null) {
                done.completeExceptionally(cause);
            } else if (!done.isDone()) {
                done.completeExceptionally(new IllegalStateException("stream closed without end of data"));
            }
        }
    }

    /** Writes {@code data} in {@code chunk}-sized writes, at most {@link #MAX_OUTSTANDING} in flight. */
    public static void writeAll(Duplex stream, byte[] data, int chunk) throws Exception {
        Window w = new Window();
        for (int off = 0; off < data.length; off += chunk) {
            int n = Math.min(chunk, data.length - off);
            w.write(stream, ByteBuffer.wrap(data, off, n));
        }
        w.drain();
    }

    /** Writes the first {@code total} bytes of the deterministic stream; returns their hex SHA-256. */
    public static String writeGenerated(Duplex stream, long total) throws Exception {
        MessageDigest md = sha256();
        Generator g = new Generator();
        Window w = new Window();
        for (long left = total; left > 0;) {
            int n = (int) Math.min(CHUNK, left);
            byte[] b = g.next(n);
            md.update(b);
            w.write(stream, ByteBuffer.wrap(b));
            left -= n;
        }
        w.drain();
        return HexFormat.of().formatHex(md.digest());
    }

    /** A bounded number of writes in flight; the first failure is rethrown. */
    private static final class Window {
        private final Semaphore permits = new Semaphore(MAX_OUTSTANDING);
        private final CompletableFuture<Void> failure = new CompletableFuture<>();

        void write(Duplex stream, ByteBuffer data) throws Exception {
            while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                check();
            }
            check();
            stream.write(data).whenComplete((v, e) -> {
                permits.release();
                if (e != null) {
                    failure.completeExceptionally(e);
                }
            });
        }

        void drain() throws Exception {
            if (!permits.tryAcquire(MAX_OUTSTANDING, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("writes did not complete within 60 s");
            }
            check();
        }

        private void check() {
            if (failure.isDone()) {
                failure.join();
            }
        }
    }
}
