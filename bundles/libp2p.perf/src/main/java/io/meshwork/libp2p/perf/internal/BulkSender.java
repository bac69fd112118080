package io.meshwork.libp2p.perf.internal;

import io.meshwork.libp2p.api.io.Duplex;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code total} bytes to a {@link Duplex} from one shared payload buffer, in writes of at most the
 * payload's size, with at most {@code maxOutstanding} writes not yet completed. The completion of a write is the
 * duplex's backpressure signal, so the sender goes exactly as fast as the slowest link and buffers nothing itself.
 *
 * <p><b>Threading.</b> {@link #start()} and all sending run on the duplex's {@link Duplex#executor() executor}.
 * Write completions may arrive on any thread: they only update atomic counters and schedule one refill task on
 * the executor if none is scheduled yet, so completions that arrive together are handled by one task, whose writes
 * the duplex sends together at the end of that task. No thread of its own, no blocking.
 */
final class BulkSender {

    private final Duplex duplex;
    private final ByteBuffer payload;
    private final int maxOutstanding;
    private final long total;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Confined to the executor. */
    private long issued;
    private int outstanding;
    private boolean started;

    /** Written by completions (any thread), drained by {@link #refill()}. */
    private final AtomicInteger completedWrites = new AtomicInteger();
    private final AtomicLong completedBytes = new AtomicLong();
    private final AtomicBoolean refillScheduled = new AtomicBoolean();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    /** Bytes whose writes completed; read from any thread (progress in error messages). */
    private volatile long acknowledged;

    /**
     * @param payload the shared data; each write sends a duplicate of it, limited to what is left to send. Must
     *     not be modified while writes are outstanding (a read-only buffer is best)
     */
    BulkSender(Duplex duplex, ByteBuffer payload, int maxOutstanding, long total) {
        if (maxOutstanding < 1 || total < 0 || !payload.hasRemaining()) {
            throw new IllegalArgumentException("maxOutstanding " + maxOutstanding + ", total " + total
                    + ", payload " + payload.remaining());
        }
        this.duplex = duplex;
        this.payload = payload;
        this.maxOutstanding = maxOutstanding;
        this.total = total;
    }

    /**
     * Starts sending; call once, on the executor. The stage completes (on the executor) when every write has
     * completed, or fails with the first write failure; after a failure no more writes are issued.
     */
    CompletionStage<Void> start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        fill();
        return done;
    }

    /** Bytes whose writes have completed so far. */
    long acknowledged() {
        return acknowledged;
    }

    /** On the executor: issues writes until the window is full or everything is issued. */
    private void fill() {
        while (outstanding < maxOutstanding && issued < total && failure.get() == null) {
            int n = (int) Math.min(payload.remaining(), total - issued);
            ByteBuffer chunk = payload.duplicate();
            chunk.limit(chunk.position() + n);
            issued += n;
            outstanding++;
            CompletionStage<Void> write;
            try {
                write = duplex.write(chunk);
            } catch (RuntimeException e) {
                write = CompletableFuture.failedFuture(e);
            }
            write.whenComplete((v, e) -> completed(n, e));
        }
        checkDone();
    }

    /** Any thread. */
    private void completed(int bytes, @Nullable Throwable error) {
        if (error != null) {
            failure.compareAndSet(null, error);
        }
        completedBytes.addAndGet(bytes);
        completedWrites.incrementAndGet();
        if (refillScheduled.compareAndSet(false, true)) {
            try {
                duplex.executor().execute(this::refill);
            } catch (RejectedExecutionException e) {
                // The executor is gone (the connection closed): nothing more can be sent.
                failure.compareAndSet(null, e);
                done.completeExceptionally(e);
            }
        }
    }

    /** On the executor. */
    private void refill() {
        refillScheduled.set(false);
        outstanding -= completedWrites.getAndSet(0);
        acknowledged += completedBytes.getAndSet(0);
        fill();
    }

    private void checkDone() {
        Throwable e = failure.get();
        if (e != null) {
            done.completeExceptionally(e);
        } else if (issued == total && outstanding == 0) {
            done.complete(null);
        }
    }
}
