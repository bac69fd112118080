package io.meshwork.libp2p.relay.internal;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Copies bytes both ways between two streams (the relay's hop stream from the source and its stop stream to the
 * target). Per direction at most {@code maxInFlight} bytes are written but not yet taken by the destination: beyond
 * that the source side is paused until the destination's write stages complete, so a slow reader slows the writer
 * and the relay holds a bounded amount. A direction that exceeds {@code dataLimit} bytes (0 = none) resets both
 * streams, as the specification asks. A half-close is passed on; a reset or failure of either side resets the
 * other. {@link #done()} completes when both streams are finished.
 *
 * <p>Threading: each direction's state lives on its source stream's executor; write completions hop back there.
 */
public final class Splice {

    private final Duplex a;
    private final Duplex b;
    private final AtomicLong bytesAtoB = new AtomicLong();
    private final AtomicLong bytesBtoA = new AtomicLong();
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final CompletableFuture<Void> done;
    private volatile @Nullable String abortReason;

    private Splice(Duplex a, Duplex b) {
        this.a = a;
        this.b = b;
        this.done = CompletableFuture.allOf(a.closeFuture().toCompletableFuture().handle((v, e) -> null),
                b.closeFuture().toCompletableFuture().handle((v, e) -> null));
    }

    /**
     * Starts copying. {@code aLeftover} / {@code bLeftover} are bytes already read from {@code a} / {@code b} (behind
     * their handshake messages); both streams are expected paused and are resumed here.
     */
    public static Splice start(Duplex a, ByteBuffer aLeftover, Duplex b, ByteBuffer bLeftover, long dataLimit,
                               int maxInFlight) {
        Splice s = new Splice(a, b);
        s.pump(a, b, aLeftover, s.bytesAtoB, dataLimit, maxInFlight);
        s.pump(b, a, bLeftover, s.bytesBtoA, dataLimit, maxInFlight);
        return s;
    }

    /** Resets both streams; {@code reason} is kept for logs and the shell. */
    public void abort(String reason) {
        if (aborted.compareAndSet(false, true)) {
            abortReason = reason;
            a.reset();
            b.reset();
        }
    }

    public CompletableFuture<Void> done() {
        return done;
    }

    public long bytesAtoB() {
        return bytesAtoB.get();
    }

    public long bytesBtoA() {
        return bytesBtoA.get();
    }

    public @Nullable String abortReason() {
        return abortReason;
    }

    private void pump(Duplex from, Duplex to, ByteBuffer leftover, AtomicLong counter, long dataLimit,
                      int maxInFlight) {
        from.executor().execute(() -> {
            Pump p = new Pump(from, to, counter, dataLimit, maxInFlight);
            if (leftover.hasRemaining()) {
                p.onData(leftover);
            }
            from.setReader(p);
            from.resumeReading();
        });
    }

    /** One direction; confined to {@code from}'s executor. */
    private final class Pump implements DuplexReader {
        private final Duplex from;
        private final Duplex to;
        private final AtomicLong counter;
        private final long dataLimit;
        private final int maxInFlight;
        private long inFlight;
        private boolean paused;

        Pump(Duplex from, Duplex to, AtomicLong counter, long dataLimit, int maxInFlight) {
            this.from = from;
            this.to = to;
            this.counter = counter;
            this.dataLimit = dataLimit;
            this.maxInFlight = maxInFlight;
        }

        @Override
        public void onData(ByteBuffer data) {
            if (aborted.get()) {
                return;
            }
            int n = data.remaining();
            boolean over = false;
            if (dataLimit > 0 && counter.get() + n > dataLimit) {
                n = (int) Math.max(0, dataLimit - counter.get());
                over = true;
            }
            if (n > 0) {
                ByteBuffer copy = ByteBuffer.allocate(n);
                ByteBuffer slice = data.duplicate();
                slice.limit(slice.position() + n);
                copy.put(slice).flip();
                counter.addAndGet(n);
                inFlight += n;
                int written = n;
                to.write(copy).whenComplete((v, e) -> from.executor().execute(() -> {
                    inFlight -= written;
                    if (e != null) {
                        abort("writing to the other side failed: " + e);
                    } else if (paused && inFlight <= maxInFlight / 2) {
                        paused = false;
                        from.resumeReading();
                    }
                }));
                if (inFlight > maxInFlight && !paused) {
                    paused = true;
                    from.pauseReading();
                }
            }
            if (over) {
                abort("data limit of " + dataLimit + " bytes per direction reached");
            }
        }

        @Override
        public void onEnd() {
            to.closeWrite();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (cause != null) {
                abort("one side was reset: " + cause.getMessage());
            }
        }
    }
}
