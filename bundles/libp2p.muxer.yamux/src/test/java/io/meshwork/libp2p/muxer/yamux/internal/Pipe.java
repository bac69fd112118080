package io.meshwork.libp2p.muxer.yamux.internal;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory connection that behaves like TCP for backpressure: each end has a bounded "kernel" receive buffer;
 * a paused or absent reader leaves data there, and once it is full the other end's writes stay incomplete until
 * the reader takes data again. Each end runs on a {@link Loop} (a thread shared by several ends, like an event
 * loop).
 */
final class Pipe {

    /** One event-loop thread. */
    static final class Loop implements AutoCloseable {
        final ExecutorService service;
        final AtomicReference<@Nullable Thread> thread = new AtomicReference<>();

        Loop(String name) {
            service = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                thread.set(t);
                return t;
            });
        }

        void run(Runnable task) {
            if (Thread.currentThread() == thread.get()) {
                task.run();
            } else {
                service.execute(task);
            }
        }

        @Override
        public void close() {
            service.shutdownNow();
        }
    }

    final End a;
    final End b;

    Pipe(Loop loopA, Loop loopB, int kernelBytes) {
        a = new End(loopA, kernelBytes);
        b = new End(loopB, kernelBytes);
        a.peer = b;
        b.peer = a;
    }

    static final class End implements Duplex {
        private final Loop loop;
        private final int kernelCap;
        private @Nullable End peer;
        // Confined to loop.
        private @Nullable DuplexReader reader;
        private boolean paused;
        private boolean draining;
        private final ArrayDeque<ByteBuffer> kernel = new ArrayDeque<>();
        private long kernelBytes;
        private final ArrayDeque<CompletableFuture<Void>> blockedWrites = new ArrayDeque<>();
        private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
        /** Largest amount the kernel buffer held (written from the loop). */
        volatile long kernelPeak;

        End(Loop loop, int kernelCap) {
            this.loop = loop;
            this.kernelCap = kernelCap;
        }

        @Override
        public Executor executor() {
            return loop.service;
        }

        @Override
        public CompletionStage<Void> write(ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data.duplicate()).flip();
            CompletableFuture<Void> done = new CompletableFuture<>();
            End p = peer;
            p.loop.service.execute(() -> p.receive(copy, done));
            return done;
        }

        private void receive(ByteBuffer data, CompletableFuture<Void> done) {
            kernel.add(data);
            kernelBytes += data.remaining();
            kernelPeak = Math.max(kernelPeak, kernelBytes);
            if (kernelBytes <= kernelCap) {
                done.complete(null);
            } else {
                blockedWrites.add(done);
            }
            drain();
        }

        private void drain() {
            if (draining) {
                return;
            }
            draining = true;
            try {
                while (reader != null && !paused && !kernel.isEmpty()) {
                    ByteBuffer next = kernel.poll();
                    kernelBytes -= next.remaining();
                    reader.onData(next);
                }
                while (kernelBytes <= kernelCap && !blockedWrites.isEmpty()) {
                    blockedWrites.poll().complete(null);
                }
            } finally {
                draining = false;
            }
        }

        @Override
        public CompletionStage<Void> closeWrite() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void reset() {
            closeFuture.complete(null);
        }

        @Override
        public void close() {
            closeFuture.complete(null);
        }

        @Override
        public void setReader(DuplexReader r) {
            loop.run(() -> {
                reader = r;
                drain();
            });
        }

        @Override
        public void pauseReading() {
            loop.run(() -> paused = true);
        }

        @Override
        public void resumeReading() {
            loop.run(() -> {
                paused = false;
                drain();
            });
        }

        @Override
        public boolean isOpen() {
            return !closeFuture.isDone();
        }

        @Override
        public CompletionStage<Void> closeFuture() {
            return closeFuture;
        }
    }
}
