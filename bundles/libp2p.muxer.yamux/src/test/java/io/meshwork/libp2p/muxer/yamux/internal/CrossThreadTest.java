package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** API calls from other threads are marshalled onto each session's own event-loop thread. */
class CrossThreadTest {

    /** A real single-thread event loop. */
    private static final class ThreadLoop implements SerialExecutor {
        final ScheduledExecutorService service;
        final AtomicReference<@Nullable Thread> thread = new AtomicReference<>();

        ThreadLoop(String name) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                thread.set(t);
                return t;
            });
            // On shutdown, run the queued close() tasks but drop the keepalive timers.
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            service = executor;
        }

        @Override
        public boolean inExecutor() {
            return Thread.currentThread() == thread.get();
        }

        @Override
        public void execute(Runnable command) {
            service.execute(command);
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            ScheduledFuture<?> f = service.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    }

    /** Forwards each flushed batch to the peer session (which copies it onto its own loop). */
    private static final class ForwardingSink implements FrameSink {
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private @Nullable YamuxSession peer;
        final AtomicReference<@Nullable Thread> writer = new AtomicReference<>();

        @Override
        public void writeFrame(byte[] header, @Nullable ByteBuffer payload) {
            writer.set(Thread.currentThread());
            pending.writeBytes(header);
            if (payload != null) {
                byte[] b = new byte[payload.remaining()];
                payload.duplicate().get(b);
                pending.writeBytes(b);
            }
        }

        @Override
        public void flush() {
            byte[] batch = pending.toByteArray();
            pending.reset();
            java.util.Objects.requireNonNull(peer).onInbound(ByteBuffer.wrap(batch));
        }
    }

    @Test
    void writesFromAForeignThreadArriveInOrderAndFuturesPaceTheWriter() throws Exception {
        ThreadLoop clientLoop = new ThreadLoop("client-loop");
        ThreadLoop serverLoop = new ThreadLoop("server-loop");
        ForwardingSink clientSink = new ForwardingSink();
        ForwardingSink serverSink = new ForwardingSink();
        SessionListener ignore = reason -> { };
        YamuxSession client = new YamuxSession(YamuxSession.Role.CLIENT, YamuxConfig.defaults(), clientLoop,
                clientSink, s -> { }, ignore);
        YamuxSession server = new YamuxSession(YamuxSession.Role.SERVER, YamuxConfig.defaults(), serverLoop,
                serverSink, Streams::echo, ignore);
        clientSink.peer = server;
        serverSink.peer = client;
        try {
            client.start();
            server.start();
            YamuxStream stream = client.openStream().get(10, TimeUnit.SECONDS);
            CRC32 received = new CRC32();
            long[] count = {0};
            CountDownLatch ended = new CountDownLatch(1);
            stream.setListener(new StreamListener() {
                @Override
                public void onData(ByteBuffer data) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    received.update(b);
                    count[0] += b.length;
                }

                @Override
                public void onEnd() {
                    ended.countDown();
                }
            });
            byte[] data = new byte[8 * 1024 * 1024];
            new Random(5).nextBytes(data);
            for (int offset = 0; offset < data.length; offset += 100_000) {
                int n = Math.min(100_000, data.length - offset);
                CompletableFuture<Void> written = stream.write(ByteBuffer.wrap(data, offset, n));
                written.get(10, TimeUnit.SECONDS); // the test thread is paced by the futures
            }
            stream.closeWrite().get(10, TimeUnit.SECONDS);
            assertTrue(ended.await(10, TimeUnit.SECONDS), "echo ended");
            CRC32 expected = new CRC32();
            expected.update(data);
            CompletableFuture<Long> seen = new CompletableFuture<>();
            clientLoop.execute(() -> seen.complete(count[0]));
            assertEquals(data.length, seen.get(10, TimeUnit.SECONDS));
            assertEquals(expected.getValue(), received.getValue());
            assertEquals(clientLoop.thread.get(), clientSink.writer.get(), "frames written on the loop only");
        } finally {
            client.close();
            server.close();
            clientLoop.service.shutdown();
            serverLoop.service.shutdown();
            assertTrue(clientLoop.service.awaitTermination(10, TimeUnit.SECONDS));
            assertTrue(serverLoop.service.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
