package io.meshwork.libp2p.transport.tcp.internal;

import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 64 MiB one way with a bounded number of outstanding writes, and a reader that pauses on the way. */
class BackpressureTest extends TransportFixture {

    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 1024;
    private static final long TOTAL = (long) CHUNK * CHUNKS;
    private static final int MAX_OUTSTANDING = 8;
    private static final long PAUSE_AT = 8L * 1024 * 1024;

    /** Checksums what arrives; pauses itself once, after {@link #PAUSE_AT} bytes. */
    private static final class ChecksumReader implements DuplexReader {
        private final RawConnection connection;
        private final CRC32 crc = new CRC32();
        private final AtomicLong received = new AtomicLong();
        private final CompletableFuture<Long> paused = new CompletableFuture<>();
        private final CompletableFuture<Long> complete = new CompletableFuture<>();

        ChecksumReader(RawConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onData(ByteBuffer data) {
            long total = received.addAndGet(data.remaining());
            crc.update(data);
            if (total >= PAUSE_AT && !paused.isDone()) {
                connection.pauseReading();
                paused.complete(total);
            }
            if (total == TOTAL) {
                complete.complete(crc.getValue());
            }
        }
    }

    /** Keeps at most {@link #MAX_OUTSTANDING} writes in flight; runs on the connection's event loop. */
    private static final class Writer {
        private final RawConnection connection;
        private final CRC32 crc = new CRC32();
        private final AtomicInteger completed = new AtomicInteger();
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private int issued;
        private int maxOutstanding;

        Writer(RawConnection connection) {
            this.connection = connection;
        }

        void pump() {
            while (issued < CHUNKS && issued - completed.get() < MAX_OUTSTANDING) {
                ByteBuffer chunk = chunk(issued++);
                crc.update(chunk.duplicate());
                maxOutstanding = Math.max(maxOutstanding, issued - completed.get());
                connection.write(chunk).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else if (completed.incrementAndGet() == CHUNKS) {
                        done.complete(crc.getValue());
                    } else {
                        pump();
                    }
                });
            }
        }

        private static ByteBuffer chunk(int index) {
            byte[] bytes = new byte[CHUNK];
            new SplittableRandom(index).nextBytes(bytes);
            return ByteBuffer.wrap(bytes);
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void pausedReaderStopsTheWriterAndEverythingArrivesAfterResume(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        CompletableFuture<ChecksumReader> readers = new CompletableFuture<>();
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), connection -> {
            ChecksumReader reader = new ChecksumReader(connection);
            connection.setReader(reader);
            readers.complete(reader);
        });
        RawConnection outbound = await(client.dial(listener.address(), Duration.ofSeconds(5)));
        Writer writer = new Writer(outbound);
        outbound.executor().execute(writer::pump);
        ChecksumReader reader = await(readers);

        long pausedAt = await(reader.paused);
        int stalledAt = awaitStalled(writer);
        long completedBytes = (long) stalledAt * CHUNK;
        assertEquals(pausedAt, reader.received.get(), "no data may reach a paused reader");
        // What completed beyond the reader is at most what the two sockets' kernel buffers hold.
        long kernelBuffers = sysctlMax("tcp_rmem") + sysctlMax("tcp_wmem");
        assertTrue(completedBytes - pausedAt <= kernelBuffers, "while paused " + (completedBytes - pausedAt)
                + " bytes were written beyond what the reader took; the kernel buffers hold " + kernelBuffers);
        assertTrue(stalledAt < CHUNKS, "the writer must stall while the reader is paused");
        assertFalse(writer.done.isDone());

        reader.connection.resumeReading();
        long sent = await(writer.done);
        long got = await(reader.complete);
        assertEquals(sent, got, "checksum of 64 MiB");
        assertEquals(TOTAL, reader.received.get());
        assertTrue(writer.maxOutstanding <= MAX_OUTSTANDING);
    }

    /** The maximum of a {@code net.ipv4} buffer sysctl (third field), or 16 MiB where it cannot be read. */
    private static long sysctlMax(String name) {
        try {
            String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4", name)).trim().split("\\s+");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return 16L * 1024 * 1024;
        }
    }

    /**
     * Waits until the writer's completed count stays the same for 250 ms (bounded to 10 s). A stall cannot be
     * observed as an event, only as the absence of progress.
     */
    private static int awaitStalled(Writer writer) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestSupport.TIMEOUT_SECONDS);
        int last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = writer.completed.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(250)) {
                return now;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new TimeoutException("the writer never stalled; completed " + writer.completed.get() + " writes");
    }
}
