package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/** Helpers for stream tests: an echo handler, a collecting reader, a bounded-outstanding sender. */
final class StreamTools {

    static final String ECHO = "/test/echo/1.0.0";
    static final String SINK = "/test/sink/1.0.0";

    private StreamTools() {
    }

    /** Echoes everything back and half-closes when the remote does. */
    static StreamHandler echo() {
        return stream -> stream.setReader(new DuplexReader() {
            @Override
            public void onData(ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                stream.write(ByteBuffer.wrap(copy));
            }

            @Override
            public void onEnd() {
                stream.closeWrite();
            }
        });
    }

    /** Collects all data until the remote half-closes. */
    static final class Collector implements DuplexReader {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        volatile long received;

        @Override
        public void onData(ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            synchronized (bytes) {
                bytes.write(copy, 0, copy.length);
            }
            received += copy.length;
        }

        @Override
        public void onEnd() {
            synchronized (bytes) {
                done.complete(bytes.toByteArray());
            }
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (cause != null) {
                done.completeExceptionally(cause);
            }
        }
    }

    /** Counts bytes and a CRC without keeping them (for big transfers). */
    static final class Checksum implements DuplexReader {
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        final CompletableFuture<Long> done = new CompletableFuture<>();
        volatile long received;

        @Override
        public void onData(ByteBuffer data) {
            received += data.remaining();
            crc.update(data);
        }

        @Override
        public void onEnd() {
            done.complete(crc.getValue());
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (cause != null) {
                done.completeExceptionally(cause);
            }
        }
    }

    /** A sink handler: checksums what it receives, then writes back the 8-byte CRC and half-closes. */
    static StreamHandler sink() {
        return stream -> {
            Checksum c = new Checksum();
            stream.setReader(c);
            c.done.thenAccept(crc -> {
                stream.write(ByteBuffer.allocate(8).putLong(crc).flip());
                stream.closeWrite();
            });
        };
    }

    /**
     * Writes {@code total} pseudo-random bytes (seeded) in {@code chunk}-sized writes with at most
     * {@code maxOutstanding} writes not yet completed, then half-closes. Returns the CRC of what was sent.
     */
    static long send(Duplex stream, long total, int chunk, int maxOutstanding, long seed) throws Exception {
        java.util.Random random = new java.util.Random(seed);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        Semaphore window = new Semaphore(maxOutstanding);
        CompletableFuture<Void> failure = new CompletableFuture<>();
        long sent = 0;
        while (sent < total) {
            int n = (int) Math.min(chunk, total - sent);
            byte[] b = new byte[n];
            random.nextBytes(b);
            crc.update(b);
            while (!window.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failure.isDone()) {
                    failure.join();
                }
            }
            stream.write(ByteBuffer.wrap(b)).whenComplete((v, e) -> {
                window.release();
                if (e != null) {
                    failure.completeExceptionally(e);
                }
            });
            sent += n;
        }
        window.acquire(maxOutstanding);
        if (failure.isDone()) {
            failure.join();
        }
        stream.closeWrite().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        return crc.getValue();
    }

    static Stream await(java.util.concurrent.CompletionStage<Stream> s) throws Exception {
        return s.toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
}
