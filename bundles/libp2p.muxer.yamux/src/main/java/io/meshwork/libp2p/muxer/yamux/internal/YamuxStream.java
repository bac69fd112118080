package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Yamux stream: an ordered, flow-controlled byte stream in each direction, with half close (FIN) and reset (RST
 * carrying a 32-bit error code, as go-yamux v5 does).
 *
 * <p><b>Threading.</b> Confined to its session's {@link SerialExecutor}, like the session; every public method may
 * be called from any thread and hops onto the executor when needed (see {@link YamuxSession}).
 *
 * <p><b>Writing</b> is asynchronous with backpressure: {@link #write(ByteBuffer)} sends what the peer's window
 * allows, in DATA frames of at most {@link YamuxConfig#maxFramePayload()} bytes, and queues the rest; its future
 * completes once every byte was handed to the {@link FrameSink}. A writer that waits for each future before writing
 * more therefore runs at the pace of the remote reader. The queue is bounded
 * ({@link YamuxConfig#maxQueuedWriteBytes()}): a write that would exceed it fails at once.
 *
 * <p><b>Opening.</b> An outbound stream's SYN is sent by {@link YamuxSession#openStream()}. An inbound stream is
 * acknowledged (ACK) with this side's first frame for it: when the application first consumes data, writes, or
 * closes it, as the libp2p spec recommends (no implicit ACK on arrival); until then it counts against
 * {@link YamuxConfig#maxUnackedInboundStreams()}.
 *
 * <p><b>Reading</b> is pushed to a {@link StreamListener}. Window updates are sent only as the listener consumes
 * data, so a paused ({@link #pauseReading()}) or absent listener stops the remote writer once the window this side
 * granted is used up; the data received meanwhile (at most that window) waits here. The window starts at
 * {@link YamuxConfig#initialWindow()} and doubles, up to {@link YamuxConfig#maxWindow()}, whenever a window update
 * falls due less than four RTTs after the previous one (go-yamux's auto-tuning).
 */
public final class YamuxStream {

    private static final Logger LOG = LoggerFactory.getLogger(YamuxStream.class);
    private static final long MAX_WINDOW = 0xFFFF_FFFFL;

    private final YamuxSession session;
    private final int id;
    private final boolean outbound;
    private final int maxFramePayload;
    private final int maxQueuedWriteBytes;
    private final long maxWindow;

    // Opening handshake: the flag this side still has to send with its first frame (SYN or ACK), if any.
    private int openFlags;
    private boolean ackPending;
    private boolean remoteAcked;

    // Write side.
    private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;
    private final ArrayDeque<PendingWrite> writeQueue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean pumping;
    private @Nullable CompletableFuture<Void> finFuture;
    private boolean finSent;

    // Read side.
    private long recvWindow = YamuxConfig.SPEC_INITIAL_WINDOW;
    private long windowTarget;
    private long lastWindowUpdateNanos;
    private final ArrayDeque<ByteBuffer> recvBuffer = new ArrayDeque<>();
    private long recvBuffered;
    private boolean remoteFin;
    private boolean readClosedLocally;
    private @Nullable StreamListener listener;
    private boolean paused;
    private boolean delivering;
    private boolean terminalNotified;

    private @Nullable YamuxStreamResetException resetCause;
    private boolean removed;
    private SerialExecutor.@Nullable Cancellable closeTimer;

    YamuxStream(YamuxSession session, int id, boolean outbound) {
        this.session = session;
        this.id = id;
        this.outbound = outbound;
        YamuxConfig config = session.config();
        this.maxFramePayload = config.maxFramePayload();
        this.maxQueuedWriteBytes = config.maxQueuedWriteBytes();
        this.maxWindow = config.maxWindow();
        this.windowTarget = config.initialWindow();
        this.lastWindowUpdateNanos = session.nanoTime();
        if (outbound) {
            openFlags = YamuxHeader.FLAG_SYN;
        } else {
            openFlags = YamuxHeader.FLAG_ACK;
            ackPending = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public API

    /** The stream id (unsigned 32 bits): odd if opened by the connection's dialer, even if by its listener. */
    public long id() {
        return Integer.toUnsignedLong(id);
    }

    /** Whether this side opened the stream. */
    public boolean isOutbound() {
        return outbound;
    }

    public YamuxSession session() {
        return session;
    }

    /**
     * Sets the listener that receives this stream's data and end, and delivers what was buffered before (unless
     * reading is paused). Replaces any earlier listener.
     */
    public void setListener(StreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        session.run(() -> {
            this.listener = listener;
            deliver();
        }, null);
    }

    /** Stops delivering data; what arrives meanwhile is buffered, within the window this side granted. */
    public void pauseReading() {
        session.run(() -> paused = true, null);
    }

    /** Delivers the buffered data (before returning, if called in the executor), then resumes live delivery. */
    public void resumeReading() {
        session.run(() -> {
            paused = false;
            deliver();
        }, null);
    }

    /**
     * Writes {@code data}'s remaining bytes. The stream reads them from a view of {@code data} (its position is not
     * changed) and does not copy them: do not modify them until the future completes. The future completes when
     * all bytes were handed to the sink, or fails with {@link YamuxWriteQueueFullException} (nothing was sent),
     * {@link YamuxStreamClosedException} after {@link #closeWrite()}, {@link YamuxStreamResetException}.
     */
    public CompletableFuture<Void> write(ByteBuffer data) {
        ByteBuffer view = data.slice();
        CompletableFuture<Void> result = new CompletableFuture<>();
        session.run(() -> doWrite(view, result), result);
        return result;
    }

    /**
     * Half-closes: sends FIN after the data already written. Completes when FIN was handed to the sink. Reading
     * continues until the peer's FIN.
     */
    public CompletableFuture<Void> closeWrite() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        session.run(() -> doCloseWrite(result), result);
        return result;
    }

    /**
     * Closes both directions: like {@link #closeWrite()}, and stops reading: buffered and later inbound data is
     * discarded (and credited back, so the peer can finish), no more listener callbacks. If the peer's FIN does not
     * arrive within {@link YamuxConfig#streamCloseTimeout()} the stream is reset.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        session.run(() -> {
            closeReadLocally();
            doCloseWrite(result);
        }, result);
        return result;
    }

    /**
     * Resets the stream with {@code errorCode} (unsigned 32 bits, sent in the RST frame's length field): pending
     * writes fail, buffered data is dropped, no listener callback follows. No effect on a stream already reset or
     * fully closed.
     */
    public void reset(int errorCode) {
        session.run(() -> resetLocally(errorCode, null), null);
    }

    /** Resets with error code 0 (unspecified). */
    public void reset() {
        reset(0);
    }

    @Override
    public String toString() {
        return "YamuxStream[" + id() + (outbound ? " out" : " in") + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Diagnostics (read in the executor; used by tests)

    int rawId() {
        return id;
    }

    long sendWindow() {
        return sendWindow;
    }

    /** The window size this side currently aims to grant (auto-tuned). */
    long receiveWindowTarget() {
        return windowTarget;
    }

    /** Credit the peer still has: bytes it may send before the next window update. */
    long receiveCredit() {
        return recvWindow;
    }

    long queuedWriteBytes() {
        return queuedBytes;
    }

    /** Whether data arriving now would be buffered: nobody reads (paused or no listener yet) and more may come. */
    boolean readStalled() {
        return (paused || listener == null) && !readClosedLocally && !remoteFin && resetCause == null;
    }

    long bufferedReadBytes() {
        return recvBuffered;
    }

    boolean isTerminated() {
        return resetCause != null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    private void doWrite(ByteBuffer data, CompletableFuture<Void> result) {
        YamuxStreamResetException reset = resetCause;
        if (reset != null) {
            session.fail(result, reset);
            return;
        }
        if (finFuture != null) {
            session.fail(result, new YamuxStreamClosedException(this + ": write after closeWrite()/close()"));
            return;
        }
        long length = data.remaining();
        long immediate = writeQueue.isEmpty() && session.transportWritable() ? Math.min(length, sendWindow) : 0;
        if (queuedBytes + length - immediate > maxQueuedWriteBytes) {
            session.fail(result, new YamuxWriteQueueFullException(this + ": writing " + length + " bytes would queue "
                    + (queuedBytes + length - immediate) + " bytes for the peer's window (send window " + sendWindow
                    + "); the limit is " + maxQueuedWriteBytes + ". Wait for earlier writes to complete."));
            return;
        }
        writeQueue.add(new PendingWrite(data, result));
        queuedBytes += length;
        pump();
    }

    /**
     * Sends queued data as far as the peer's window and the transport allow, completing writes that were fully
     * sent, then FIN if requested. Re-entrant calls (from the sink, or dependents of completed writes, which are
     * deferred anyway) return at once; the running loop sees their effect.
     */
    void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (resetCause == null) {
                PendingWrite head = writeQueue.peek();
                if (head == null) {
                    if (finFuture != null && !finSent) {
                        sendFin();
                    }
                    return;
                }
                if (!head.data.hasRemaining()) {
                    writeQueue.poll();
                    head.finish(null);
                    continue;
                }
                if (sendWindow == 0) {
                    return;
                }
                if (!session.transportWritable()) {
                    session.markBlocked(this);
                    return;
                }
                if (ackPending && windowTarget - recvWindow - recvBuffered > 0) {
                    // Grant our larger initial window together with the ACK, before the data.
                    sendWindowUpdate(true);
                    continue;
                }
                int n = (int) Math.min(Math.min(head.data.remaining(), sendWindow), maxFramePayload);
                ByteBuffer frame = head.data.slice(head.data.position(), n);
                CompletionStage<?> released = session.emitData(takeOpenFlags(), id, frame);
                if (released == null) {
                    return;
                }
                if (released != YamuxSession.PAYLOAD_CONSUMED) {
                    head.retain(released);
                }
                head.data.position(head.data.position() + n);
                sendWindow -= n;
                queuedBytes -= n;
            }
        } finally {
            pumping = false;
        }
    }

    private void doCloseWrite(CompletableFuture<Void> result) {
        YamuxStreamResetException reset = resetCause;
        CompletableFuture<Void> fin = finFuture;
        if (reset != null && (fin == null || !finSent)) {
            session.fail(result, reset);
        } else if (fin != null) {
            fin.whenComplete((ignored, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(null);
                }
            });
        } else {
            finFuture = result;
            pump();
        }
    }

    private void sendFin() {
        CompletableFuture<Void> fin = Objects.requireNonNull(finFuture);
        if (!session.emit(YamuxHeader.TYPE_WINDOW_UPDATE, takeOpenFlags() | YamuxHeader.FLAG_FIN, id, 0, null)) {
            return;
        }
        finSent = true;
        session.complete(fin, null);
        removeIfFullyClosed();
    }

    /** The flag owed with this side's first frame (SYN or ACK), once. */
    private int takeOpenFlags() {
        int flags = openFlags;
        if (flags != 0) {
            openFlags = 0;
            if (ackPending) {
                ackPending = false;
                session.onInboundAcknowledged();
            }
        }
        return flags;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Opening and flow control of the read side

    /** Sends the SYN of an outbound stream, with any window beyond the spec's initial 256 KiB. */
    void sendOpen() {
        sendWindowUpdate(true);
    }

    /**
     * Grants the peer more window: the room this side has (target minus outstanding credit minus buffered data),
     * once it reaches half the target, or at once if {@code force} (a SYN/ACK grant) or if the peer's stream is
     * still unacknowledged (the application has started reading it: that accepts it). Auto-tunes the target first.
     */
    private void sendWindowUpdate(boolean force) {
        if (ackPending && !readClosedLocally) {
            force = true;
        }
        if (resetCause != null || (remoteFin && !force)) {
            return;
        }
        long delta = windowTarget - recvWindow - recvBuffered;
        if (!force && delta < windowTarget / 2) {
            return;
        }
        long now = session.nanoTime();
        long rtt = session.rttNanos();
        if (!force && rtt > 0 && now - lastWindowUpdateNanos < 4 * rtt && windowTarget < maxWindow) {
            // The previous grant was used up within a few RTTs: the window, not the reader, limits throughput.
            windowTarget = Math.min(windowTarget * 2, maxWindow);
            delta = windowTarget - recvWindow - recvBuffered;
            LOG.debug("{}: receive window grows to {}", this, windowTarget);
        }
        lastWindowUpdateNanos = now;
        if (session.emit(YamuxHeader.TYPE_WINDOW_UPDATE, takeOpenFlags(), id, (int) delta, null)) {
            recvWindow += delta;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inbound frames (called by the session)

    /**
     * A DATA header for this stream: checks it against the window this side granted and takes the credit. Returns
     * whether the payload should be delivered.
     */
    boolean admitInboundData(long length) throws YamuxProtocolException {
        if (length > recvWindow) {
            throw new YamuxProtocolException("stream " + id() + ": DATA frame of " + length
                    + " bytes exceeds the receive window of " + recvWindow + " bytes");
        }
        recvWindow -= length;
        if (remoteFin && length > 0) {
            LOG.debug("{}: DATA after the peer's FIN, resetting the stream", this);
            resetLocally(0, null);
            return false;
        }
        return true;
    }

    void onInboundData(ByteBuffer payload, int flags) {
        if (resetCause != null) {
            return;
        }
        int length = payload.remaining();
        if (flags != 0 && (flags & YamuxHeader.FLAG_RST) != 0) {
            // DATA|RST: the length is the payload's, so no error code is carried; the payload is dropped.
            onRemoteReset(0);
            return;
        }
        if (length > 0) {
            if (readClosedLocally) {
                sendWindowUpdate(false);
            } else if (listener != null && !paused && recvBuffer.isEmpty() && !delivering) {
                delivering = true;
                try {
                    callOnData(payload);
                } finally {
                    delivering = false;
                }
                sendWindowUpdate(false);
            } else {
                ByteBuffer copy = ByteBuffer.allocate(length);
                copy.put(payload);
                copy.flip();
                recvBuffer.add(copy);
                recvBuffered += length;
                session.addReceiveBuffered(length);
            }
        }
        if ((flags & YamuxHeader.FLAG_FIN) != 0) {
            onRemoteFin();
        }
        deliver();
    }

    void onWindowUpdate(YamuxHeader header) {
        if (header.has(YamuxHeader.FLAG_RST)) {
            onRemoteReset(header.length());
            return;
        }
        if (resetCause != null) {
            return;
        }
        sendWindow = Math.min(sendWindow + header.lengthUnsigned(), MAX_WINDOW);
        if (header.has(YamuxHeader.FLAG_FIN)) {
            onRemoteFin();
            deliver();
        }
        pump();
    }

    void onRemoteAck() {
        if (outbound && !remoteAcked) {
            remoteAcked = true;
            if (!removed) {
                session.onOutboundAcknowledged();
            }
        }
    }

    private void onRemoteFin() {
        if (remoteFin) {
            return;
        }
        remoteFin = true;
        cancelCloseTimer();
        removeIfFullyClosed();
    }

    private void onRemoteReset(int errorCode) {
        if (resetCause != null) {
            return;
        }
        LOG.debug("{}: reset by the peer, error code {}", this, Integer.toUnsignedString(errorCode));
        resetCause = new YamuxStreamResetException(YamuxStreamResetException.Origin.REMOTE, errorCode,
                this + " was reset by the peer (error code " + Integer.toUnsignedString(errorCode) + ")", null);
        releaseAfterReset();
        deliver();
    }

    void onSessionTerminated(YamuxSessionClosedException reason) {
        if (resetCause != null) {
            return;
        }
        resetCause = new YamuxStreamResetException(YamuxStreamResetException.Origin.SESSION, reason.goAwayCode(),
                this + ": session ended: " + reason.getMessage(), reason);
        releaseAfterReset();
        deliver();
    }

    /** Resets from this side (application, a failed listener, a close timeout, a peer's misuse). */
    void resetLocally(int errorCode, @Nullable Throwable cause) {
        if (resetCause != null) {
            return;
        }
        if (removed) {
            // Fully closed already: nothing to send, but the application no longer wants the buffered data.
            terminalNotified = true;
            dropReceiveBuffer();
            return;
        }
        resetCause = new YamuxStreamResetException(YamuxStreamResetException.Origin.LOCAL, errorCode,
                this + " was reset locally (error code " + Integer.toUnsignedString(errorCode) + ")", cause);
        terminalNotified = true;
        session.emit(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, id, errorCode, null);
        releaseAfterReset();
    }

    private void releaseAfterReset() {
        YamuxStreamResetException reset = Objects.requireNonNull(resetCause);
        PendingWrite pending;
        while ((pending = writeQueue.poll()) != null) {
            pending.finish(reset);
        }
        queuedBytes = 0;
        CompletableFuture<Void> fin = finFuture;
        if (fin != null && !finSent) {
            session.fail(fin, reset);
        }
        dropReceiveBuffer();
        cancelCloseTimer();
        session.removeStream(this);
    }

    private void closeReadLocally() {
        if (readClosedLocally) {
            return;
        }
        readClosedLocally = true;
        terminalNotified = true;
        listener = null;
        dropReceiveBuffer();
        sendWindowUpdate(false);
        Duration timeout = session.config().streamCloseTimeout();
        if (!remoteFin && resetCause == null && !timeout.isZero()) {
            closeTimer = session.schedule(() -> {
                if (!remoteFin && resetCause == null) {
                    LOG.debug("{}: no FIN from the peer within {} of close(), resetting", this, timeout);
                    resetLocally(0, null);
                }
            }, timeout);
        }
    }

    private void dropReceiveBuffer() {
        session.addReceiveBuffered(-recvBuffered);
        recvBuffer.clear();
        recvBuffered = 0;
    }

    private void cancelCloseTimer() {
        SerialExecutor.Cancellable timer = closeTimer;
        if (timer != null) {
            closeTimer = null;
            timer.cancel();
        }
    }

    private void removeIfFullyClosed() {
        if (finSent && remoteFin) {
            session.removeStream(this);
        }
    }

    /** Called once by the session when it forgets this stream: releases its share of the open backlogs. */
    void onRemoved() {
        removed = true;
        if (outbound && !remoteAcked) {
            remoteAcked = true;
            session.onOutboundAcknowledged();
        }
        if (ackPending) {
            ackPending = false;
            openFlags = 0;
            session.onInboundAcknowledged();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Delivery to the listener

    /**
     * Delivers buffered data while a listener is set and reading is not paused, then the end or the reset. Safe
     * against re-entrant calls from the listener (the outer loop continues with the new state).
     */
    private void deliver() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            while (true) {
                StreamListener current = listener;
                if (current == null || terminalNotified) {
                    return;
                }
                YamuxStreamResetException reset = resetCause;
                if (reset != null) {
                    terminalNotified = true;
                    try {
                        current.onReset(reset);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: listener failed in onReset", this, e);
                    }
                    return;
                }
                if (paused) {
                    return;
                }
                ByteBuffer chunk = recvBuffer.poll();
                if (chunk == null) {
                    break;
                }
                int length = chunk.remaining();
                recvBuffered -= length;
                session.addReceiveBuffered(-length);
                callOnData(chunk);
                sendWindowUpdate(false);
            }
            if (remoteFin && !terminalNotified && listener != null && resetCause == null) {
                terminalNotified = true;
                StreamListener current = listener;
                try {
                    current.onEnd();
                } catch (RuntimeException e) {
                    LOG.warn("{}: listener failed in onEnd", this, e);
                }
            }
        } finally {
            delivering = false;
        }
    }

    private void callOnData(ByteBuffer data) {
        StreamListener current = Objects.requireNonNull(listener);
        try {
            current.onData(data);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed in onData, resetting the stream", this, e);
            resetLocally(0, e);
        }
    }

    /**
     * A write of the application: its data, its future, and how many of its frames the sink still reads
     * ({@link FrameSink#writeDataFrame}). The future completes once the write has left the queue and no frame of
     * it is still being read, so the application never changes bytes that are yet to be sent.
     */
    private final class PendingWrite {
        final ByteBuffer data;
        final CompletableFuture<Void> future;
        private int framesRetained;
        private boolean finished;
        private boolean settled;
        private @Nullable Throwable failure;

        PendingWrite(ByteBuffer data, CompletableFuture<Void> future) {
            this.data = data;
            this.future = future;
        }

        /** A frame of this write whose payload the sink reads until {@code released} completes. */
        void retain(CompletionStage<?> released) {
            framesRetained++;
            released.whenComplete((ignored, error) -> session.run(() -> {
                framesRetained--;
                if (error != null && failure == null) {
                    failure = error;
                }
                settle();
            }, null));
        }

        /** The write has left the queue: sent in full ({@code cause} null) or failed. */
        void finish(@Nullable Throwable cause) {
            finished = true;
            if (cause != null && failure == null) {
                failure = cause;
            }
            settle();
        }

        private void settle() {
            if (!finished || framesRetained > 0 || settled) {
                return;
            }
            settled = true;
            Throwable f = failure;
            if (f == null) {
                session.complete(future, null);
            } else {
                session.fail(future, f);
            }
        }
    }
}
