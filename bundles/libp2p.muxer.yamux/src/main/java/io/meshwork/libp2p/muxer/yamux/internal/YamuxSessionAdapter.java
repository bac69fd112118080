package io.meshwork.libp2p.muxer.yamux.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link YamuxSession} over a secured {@link Duplex}: frames go out as duplex writes (sent together at the
 * end of each executor task), inbound bytes feed the session, and the bytes handed to the duplex but not yet sent
 * drive the session's transport writability, so a slow socket slows every stream's writer.
 * Confined to the duplex's executor.
 */
final class YamuxSessionAdapter implements StreamMuxer.Session, FrameSink, SessionListener, ReceiveBudget.Member {

    /** DATA payloads from this size on are handed to the secured duplex without a copy. */
    static final int RETAIN_MIN_PAYLOAD = 4096;

    private final Duplex secured;
    private final LoopExecutor loop;
    private final YamuxSession session;
    private final int highWater;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final List<Consumer<@Nullable Throwable>> closeListeners = new CopyOnWriteArrayList<>();
    /** Executor-confined. */
    private long unsent;
    private boolean writable = true;
    private final ReceiveBudget budget;
    /** Executor-confined: this session's bytes counted in the budget, and whether the budget paused reading. */
    private long accounted;
    private boolean budgetClosed;
    private boolean pausedByBudget;
    private int pauseToken;
    private long pausedAt;
    private final Duration maxPause;
    private final Duration maxPauseTotal;

    YamuxSessionAdapter(Duplex secured, Direction direction, YamuxConfig config, int highWater,
                        ScheduledExecutorService timer, Consumer<Duplex> onInboundStream, ReceiveBudget budget,
                        Duration maxPause) {
        this.secured = secured;
        this.budget = budget;
        this.maxPause = maxPause;
        this.maxPauseTotal = config.pingTimeout().dividedBy(2);
        this.highWater = highWater;
        this.loop = new LoopExecutor(secured.executor(), timer);
        this.session = new YamuxSession(direction == Direction.OUTBOUND ? YamuxSession.Role.CLIENT
                : YamuxSession.Role.SERVER, config, loop, this,
                stream -> onInboundStream.accept(new YamuxDuplex(stream, loop)), this);
        loop.execute(() -> {
            secured.setReader(new DuplexReader() {
                @Override
                public void onData(ByteBuffer data) {
                    loop.run(() -> {
                        session.onInbound(data);
                        checkBudget();
                    });
                }

                @Override
                public void onEnd() {
                    loop.run(() -> session.onTransportClosed(null));
                }

                @Override
                public void onClose(@Nullable Throwable cause) {
                    loop.run(() -> session.onTransportClosed(cause));
                }
            });
            session.setReceiveBufferedListener(this::onReceiveBuffered);
            session.start();
        });
    }

    // ---- ReceiveBudget: stop reading the connection while all sessions together buffer too much

    /**
     * In the executor, after inbound bytes were processed: over the budget, stop reading if this session holds
     * buffered data or would buffer what comes next (a stream's reader is paused), unless its own writes wait for
     * the peer's window (the update arrives only by reading).
     */
    private void checkBudget() {
        if (pausedByBudget || budgetClosed || !budget.shouldPause(1)) {
            return; // shouldPause(1): the budget is on and exceeded; only then look at the streams
        }
        if ((session.receiveBuffered() > 0 || session.hasStalledReader()) && !session.awaitingPeerWindow()) {
            pausedByBudget = true;
            pausedAt = System.nanoTime();
            session.setInboundPaused(true);
            secured.pauseReading();
            budget.paused(this);
            scheduleRecheck(++pauseToken);
        }
    }

    /**
     * While paused, every {@code maxPause}: read again if our writes now wait for the peer's window, if nothing of
     * ours is or would be buffered, or once the pause has lasted half the ping timeout (the peer's keepalive pings
     * wait unread behind the data too).
     */
    private void scheduleRecheck(int token) {
        try {
            loop.schedule(() -> {
                if (!pausedByBudget || pauseToken != token) {
                    return;
                }
                boolean idle = accounted <= 0 && !session.hasStalledReader();
                boolean tooLong = System.nanoTime() - pausedAt >= maxPauseTotal.toNanos();
                if (idle || tooLong || session.awaitingPeerWindow()) {
                    budget.resumed(this);
                    resumeFromBudget();
                } else {
                    scheduleRecheck(token);
                }
            }, maxPause);
        } catch (RejectedExecutionException e) {
            // the muxer is going away: do not stay paused
            budget.resumed(this);
            secured.executor().execute(this::resumeFromBudget);
        }
    }

    /** In the executor: the session's stream receive buffers grew or shrank by {@code delta}. */
    private void onReceiveBuffered(long delta) {
        if (budgetClosed) {
            return;
        }
        accounted += delta;
        budget.add(delta);
    }

    @Override
    public void wake() {
        secured.executor().execute(this::resumeFromBudget);
    }

    private void resumeFromBudget() {
        loop.run(() -> {
            if (pausedByBudget) {
                pausedByBudget = false;
                session.setInboundPaused(false);
                if (!budgetClosed) {
                    secured.resumeReading();
                }
            }
        });
    }

    private void leaveBudget() {
        if (!budgetClosed) {
            budgetClosed = true;
            budget.add(-accounted);
            accounted = 0;
            budget.resumed(this);
        }
    }

    /** For tests: whether the budget paused this session's reading. */
    boolean pausedByBudget() {
        return pausedByBudget;
    }

    // ---- FrameSink: the session's output

    @Override
    public void writeFrame(byte[] header, @Nullable ByteBuffer payload) {
        int n = header.length + (payload == null ? 0 : payload.remaining());
        ByteBuffer frame = ByteBuffer.allocate(n);
        frame.put(header);
        if (payload != null) {
            frame.put(payload.duplicate());
        }
        frame.flip();
        queued(n);
        secured.write(frame).whenComplete((v, e) -> loop.execute(() -> sent(n)));
    }

    /**
     * Large payloads go to the secured duplex as they are, behind a copy of the header: the duplex reads them while
     * it encrypts (one frame's header and payload become one Noise message), and the stream's write completes when
     * the duplex is done with them. Small payloads are copied with their header, which costs less than tracking
     * them and completes their write at once.
     */
    @Override
    public @Nullable CompletionStage<?> writeDataFrame(byte[] header, ByteBuffer payload) {
        if (payload.remaining() < RETAIN_MIN_PAYLOAD) {
            writeFrame(header, payload);
            return null;
        }
        int n = header.length + payload.remaining();
        queued(n);
        CompletableFuture<Void> released = new CompletableFuture<>();
        // Both writes are sent in the same batch or fail together; the payload's stage stands for both.
        secured.write(ByteBuffer.wrap(header.clone()));
        secured.write(payload).whenComplete((v, e) -> loop.execute(() -> {
            sent(n);
            if (e == null) {
                released.complete(null);
            } else {
                released.completeExceptionally(e);
            }
        }));
        return released;
    }

    private void queued(int n) {
        unsent += n;
        if (writable && unsent > highWater) {
            writable = false;
            session.setTransportWritable(false);
        }
    }

    private void sent(int n) {
        unsent -= n;
        if (!writable && unsent <= highWater / 4) {
            writable = true;
            session.setTransportWritable(true);
        }
    }

    @Override
    public void flush() {
        // The secured duplex sends everything written in one executor task together.
    }

    // ---- SessionListener

    @Override
    public void onSessionClosed(YamuxSessionClosedException reason) {
        leaveBudget();
        secured.close();
        boolean clean = reason.reason() == YamuxSessionClosedException.Reason.LOCAL_CLOSE
                || (reason.reason() == YamuxSessionClosedException.Reason.TRANSPORT_CLOSED && reason.getCause() == null)
                || (reason.reason() == YamuxSessionClosedException.Reason.REMOTE_GO_AWAY && reason.goAwayCode() == 0);
        if (clean) {
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(reason);
        }
        closeListeners.forEach(l -> l.accept(clean ? null : reason));
    }

    // ---- StreamMuxer.Session

    @Override
    public CompletionStage<Duplex> openStream() {
        return session.openStream().thenApply(s -> new YamuxDuplex(s, loop));
    }

    @Override
    public int streamCount() {
        return session.streamCount();
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public boolean isOpen() {
        return !session.isClosed();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public void onClose(Consumer<@Nullable Throwable> listener) {
        closeListeners.add(listener);
        closeFuture.whenComplete((v, e) -> {
            if (closeListeners.remove(listener)) {
                listener.accept(e);
            }
        });
    }
}
