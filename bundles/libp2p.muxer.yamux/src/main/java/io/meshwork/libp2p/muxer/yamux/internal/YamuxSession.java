package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Yamux session over one secured connection: demultiplexes inbound frames to {@link YamuxStream}s, writes their
 * frames to a {@link FrameSink}, and runs keepalive pings, stream-open backlogs and GO_AWAY.
 *
 * <p><b>Threading.</b> The session and all its streams are confined to one {@link SerialExecutor} (the connection's
 * event loop). Every public method of the session and of its streams may be called from any thread: called outside
 * the executor it hops onto it (the result arrives through the returned future); called inside, it runs at once.
 * All callbacks ({@link StreamAcceptor}, {@link StreamListener}, {@link SessionListener}, and dependents of the
 * returned futures) run in the executor. Futures are completed after the operation that completes them has
 * finished, but before the outermost call into the session returns, so chains of writes do not recurse.
 *
 * <p><b>Life cycle.</b> Construct, {@link #start()}, feed {@link #onInbound(ByteBuffer)} with the connection's
 * bytes, report {@link #setTransportWritable(boolean)} and {@link #onTransportClosed(Throwable)}. The session ends
 * once ({@link SessionListener#onSessionClosed}) on {@link #close()}, a protocol error (GO_AWAY 1 is sent), a GO_AWAY
 * with an error code from the peer, a ping timeout, or the transport closing; then every stream is reset and every
 * pending future fails, and the adapter closes the connection.
 *
 * <p><b>Memory.</b> Inbound data is buffered only within the window this side granted per stream (at most
 * {@link YamuxConfig#maxWindow()}), plus at most one partially received frame; outbound data waits in bounded
 * per-stream queues ({@link YamuxConfig#maxQueuedWriteBytes()}) and is not copied (the application's buffers are
 * handed to the sink as views).
 */
public final class YamuxSession {

    /** Which end of the connection this session is; it decides the parity of the stream ids it opens. */
    public enum Role {
        /** The connection's dialer: opens odd stream ids. */
        CLIENT,
        /** The connection's listener: opens even stream ids. */
        SERVER
    }

    private static final Logger LOG = LoggerFactory.getLogger(YamuxSession.class);
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

    private final Role role;
    private final YamuxConfig config;
    private final SerialExecutor executor;
    /** What {@link #emitData} returns when the sink read the payload during the call. */
    static final CompletionStage<Void> PAYLOAD_CONSUMED = CompletableFuture.completedStage(null);
    private final FrameSink sink;
    private final StreamAcceptor acceptor;
    private final SessionListener listener;
    private final YamuxFrameDecoder decoder;
    private final InboundHandler inbound = new InboundHandler();
    private final byte[] headerScratch = new byte[YamuxHeader.SIZE];

    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    private final ArrayDeque<CompletableFuture<YamuxStream>> pendingOpens = new ArrayDeque<>();
    private final LinkedHashSet<YamuxStream> blockedStreams = new LinkedHashSet<>();
    private long nextLocalId;
    private long maxRemoteId;
    private int outboundUnacked;
    private int inboundUnacked;
    private long receiveBuffered;
    private LongConsumer receiveBufferedListener = delta -> { };
    private boolean inboundPaused;

    private boolean started;
    private volatile boolean closed;
    private @Nullable YamuxSessionClosedException closeReason;
    private boolean localGoAway;
    private int localGoAwayCode;
    private boolean remoteGoAway;
    private int remoteGoAwayCode;
    private boolean transportWritable = true;
    private boolean sinkFailed;

    private int nextPingValue;
    private @Nullable ActivePing activePing;
    private volatile long rttNanos;
    private long inboundBytesTotal;
    private SerialExecutor.@Nullable Cancellable keepaliveTimer;

    // Batching and re-entrancy control; see enter()/exit().
    private int depth;
    private boolean draining;
    private boolean flushNeeded;
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private boolean decoding;
    private final ArrayDeque<ByteBuffer> reentrantInbound = new ArrayDeque<>();

    /**
     * @param role {@link Role#CLIENT} for the connection's dialer, {@link Role#SERVER} for its listener
     * @param acceptor receives the streams the peer opens
     * @param listener receives GO_AWAY and the end of the session
     */
    public YamuxSession(Role role, YamuxConfig config, SerialExecutor executor, FrameSink sink,
            StreamAcceptor acceptor, SessionListener listener) {
        this.role = Objects.requireNonNull(role, "role");
        this.config = Objects.requireNonNull(config, "config");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.decoder = new YamuxFrameDecoder(config.maxWindow());
        this.nextLocalId = role == Role.CLIENT ? 1 : 2;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public API

    /** Starts the session's timers: sends a first ping (to measure the RTT) and schedules keepalive pings. */
    public void start() {
        run(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            sendPing();
            scheduleKeepalive();
        }, null);
    }

    /**
     * Bytes received from the connection, in chunks of any size. All of {@code chunk} is consumed; it is only read
     * during this call (called outside the executor, it is copied first). A protocol violation terminates the
     * session (reported to {@link SessionListener#onSessionClosed}); nothing is thrown, except
     * {@link java.util.concurrent.RejectedExecutionException} if called outside an executor that refuses the task.
     */
    public void onInbound(ByteBuffer chunk) {
        if (executor.inExecutor()) {
            runHere(() -> processInbound(chunk), null);
        } else {
            ByteBuffer copy = copyOf(chunk);
            executor.execute(() -> runHere(() -> processInbound(copy), null));
        }
    }

    /**
     * The transport's writability (e.g. Netty's {@code channelWritabilityChanged}). While not writable no DATA frames
     * are written, so write futures stay pending and the application is slowed down to the connection's speed.
     */
    public void setTransportWritable(boolean writable) {
        run(() -> {
            transportWritable = writable;
            if (writable) {
                pumpBlockedStreams();
            }
        }, null);
    }

    /** The connection closed or failed underneath the session; terminates it without writing anything. */
    public void onTransportClosed(@Nullable Throwable cause) {
        run(() -> terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.TRANSPORT_CLOSED,
                YamuxHeader.GO_AWAY_NORMAL, "transport closed" + (cause == null ? "" : ": " + cause), cause),
                -1), null);
    }

    /**
     * Opens an outbound stream; its SYN is sent at once. Completes immediately unless
     * {@link YamuxConfig#maxOutboundBacklog()} streams still wait for the peer's ACK, in which case it completes when
     * one is acknowledged or closed. Fails with {@link YamuxGoAwayException} after a GO_AWAY,
     * {@link YamuxStreamLimitException} at {@link YamuxConfig#maxStreams()}, or {@link YamuxSessionClosedException}.
     * Cancelling the returned future while it waits withdraws the request.
     */
    public CompletableFuture<YamuxStream> openStream() {
        CompletableFuture<YamuxStream> result = new CompletableFuture<>();
        run(() -> {
            YamuxException refusal = openRefusal();
            if (refusal != null) {
                fail(result, refusal);
            } else if (outboundUnacked >= config.maxOutboundBacklog() || !pendingOpens.isEmpty()) {
                LOG.debug("{}: {} outbound streams await ACK, open waits", this, outboundUnacked);
                pendingOpens.add(result);
            } else {
                openInto(result);
            }
        }, result);
        return result;
    }

    /** Sends a ping (or joins the one in flight) and completes with its round-trip time. */
    public CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        run(() -> {
            YamuxSessionClosedException reason = closeReason;
            if (reason != null) {
                fail(result, reason);
                return;
            }
            ActivePing ping = activePing != null ? activePing : sendPing();
            ping.future.whenComplete((rtt, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(rtt);
                }
            });
        }, result);
        return result;
    }

    /**
     * Sends GO_AWAY with {@code code} (0 = normal): the peer must not open new streams, new inbound SYNs are refused,
     * and no new outbound streams are opened. Existing streams continue. Only the first call has an effect.
     */
    public void goAway(int code) {
        run(() -> {
            if (closed || localGoAway) {
                return;
            }
            localGoAway = true;
            localGoAwayCode = code;
            emit(YamuxHeader.TYPE_GO_AWAY, 0, 0, code, null);
            failPendingOpens(new YamuxGoAwayException(false, code));
        }, null);
    }

    /**
     * Closes the session: sends GO_AWAY (normal) unless already sent, resets every stream, fails every pending
     * future, and reports {@link YamuxSessionClosedException.Reason#LOCAL_CLOSE}. The adapter then closes the
     * connection. Idempotent.
     */
    public void close() {
        run(() -> terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.LOCAL_CLOSE,
                YamuxHeader.GO_AWAY_NORMAL, "session closed locally", null), YamuxHeader.GO_AWAY_NORMAL), null);
    }

    public Role role() {
        return role;
    }

    public YamuxConfig config() {
        return config;
    }

    /** Whether the session has terminated (safe from any thread). */
    public boolean isClosed() {
        return closed;
    }

    /** Why the session terminated, or {@code null} while it runs. Read it in the executor. */
    public @Nullable YamuxSessionClosedException closeReason() {
        return closeReason;
    }

    /** The smoothed RTT of the last pings, or {@link Duration#ZERO} before the first answer (any thread). */
    public Duration rtt() {
        return Duration.ofNanos(rttNanos);
    }

    /** Open streams (not yet fully closed or reset). Read it in the executor. */
    public int streamCount() {
        return streams.size();
    }

    @Override
    public String toString() {
        return "YamuxSession[" + role + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Serial context: hops, batching, deferred completions

    /**
     * Runs {@code action} in the executor: at once if already there, else by submitting it. A
     * {@link RuntimeException} from the action is a bug in this class: it terminates the session (internal error)
     * and fails {@code result}.
     */
    void run(Runnable action, @Nullable CompletableFuture<?> result) {
        if (executor.inExecutor()) {
            runHere(action, result);
            return;
        }
        try {
            executor.execute(() -> runHere(action, result));
        } catch (RejectedExecutionException e) {
            if (result == null) {
                throw e;
            }
            result.completeExceptionally(new YamuxSessionClosedException(
                    YamuxSessionClosedException.Reason.TRANSPORT_CLOSED, YamuxHeader.GO_AWAY_NORMAL,
                    "the session's executor rejected the task", e));
        }
    }

    private void runHere(Runnable action, @Nullable CompletableFuture<?> result) {
        enter();
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("{}: internal error, terminating the session", this, e);
            if (result != null) {
                fail(result, e);
            }
            terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.INTERNAL_ERROR,
                    YamuxHeader.GO_AWAY_INTERNAL_ERROR, "internal error: " + e, e),
                    YamuxHeader.GO_AWAY_INTERNAL_ERROR);
        } finally {
            exit();
        }
    }

    private void enter() {
        depth++;
    }

    /**
     * Leaving the outermost call: completes the deferred futures (their dependents may call back in; that work is
     * batched into this same loop) and flushes the sink once.
     */
    private void exit() {
        if (--depth > 0 || draining) {
            return;
        }
        draining = true;
        try {
            while (true) {
                Runnable next = deferred.poll();
                if (next != null) {
                    next.run();
                    continue;
                }
                if (flushNeeded && !sinkFailed) {
                    flushNeeded = false;
                    flushSink();
                    continue;
                }
                break;
            }
        } finally {
            draining = false;
        }
    }

    private void flushSink() {
        try {
            sink.flush();
        } catch (RuntimeException e) {
            sinkFailed(e);
        }
    }

    /** Runs {@code r} once the current operation has finished (see {@link #exit()}). */
    void defer(Runnable r) {
        if (depth == 0 && !draining) {
            r.run();
        } else {
            deferred.add(r);
        }
    }

    <T> void complete(CompletableFuture<T> future, @Nullable T value) {
        defer(() -> future.complete(value));
    }

    void fail(CompletableFuture<?> future, Throwable error) {
        defer(() -> future.completeExceptionally(error));
    }

    SerialExecutor.Cancellable schedule(Runnable task, Duration delay) {
        return executor.schedule(() -> runHere(task, null), delay);
    }

    long nanoTime() {
        return executor.nanoTime();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Output

    /** Writes one frame to the sink; false if the sink is unusable (the session is then terminated). */
    boolean emit(int type, int flags, int streamId, int length, @Nullable ByteBuffer payload) {
        if (sinkFailed) {
            return false;
        }
        YamuxHeader.encode(headerScratch, type, flags, streamId, length);
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: send {}", this, new YamuxHeader(type, flags, streamId, length));
        }
        try {
            sink.writeFrame(headerScratch, payload);
        } catch (RuntimeException e) {
            sinkFailed(e);
            return false;
        }
        flushNeeded = true;
        return true;
    }

    /**
     * Writes a DATA frame with a payload the sink may go on reading ({@link FrameSink#writeDataFrame}).
     *
     * @return {@code null} if the sink is unusable (the session is then terminated); otherwise a stage that
     *     completes once the sink no longer reads the payload ({@link #PAYLOAD_CONSUMED} if it already does not)
     */
    @Nullable CompletionStage<?> emitData(int flags, int streamId, ByteBuffer payload) {
        if (sinkFailed) {
            return null;
        }
        YamuxHeader.encode(headerScratch, YamuxHeader.TYPE_DATA, flags, streamId, payload.remaining());
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: send {}", this, new YamuxHeader(YamuxHeader.TYPE_DATA, flags, streamId,
                    payload.remaining()));
        }
        CompletionStage<?> released;
        try {
            released = sink.writeDataFrame(headerScratch, payload);
        } catch (RuntimeException e) {
            sinkFailed(e);
            return null;
        }
        flushNeeded = true;
        return released == null ? PAYLOAD_CONSUMED : released;
    }

    private void sinkFailed(RuntimeException e) {
        LOG.debug("{}: frame sink failed", this, e);
        sinkFailed = true;
        terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.TRANSPORT_CLOSED,
                YamuxHeader.GO_AWAY_NORMAL, "frame sink failed: " + e, e), -1);
    }

    boolean transportWritable() {
        return transportWritable;
    }

    void markBlocked(YamuxStream stream) {
        blockedStreams.add(stream);
    }

    private void pumpBlockedStreams() {
        List<YamuxStream> round = new ArrayList<>(blockedStreams);
        blockedStreams.clear();
        for (int i = 0; i < round.size(); i++) {
            if (!transportWritable || closed) {
                // Keep the streams not served in this round ahead of those that just blocked again.
                LinkedHashSet<YamuxStream> next = new LinkedHashSet<>(round.subList(i, round.size()));
                next.addAll(blockedStreams);
                blockedStreams.clear();
                blockedStreams.addAll(next);
                return;
            }
            round.get(i).pump();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stream bookkeeping

    private @Nullable YamuxException openRefusal() {
        YamuxSessionClosedException reason = closeReason;
        if (reason != null) {
            return reason;
        }
        if (remoteGoAway) {
            return new YamuxGoAwayException(true, remoteGoAwayCode);
        }
        if (localGoAway) {
            return new YamuxGoAwayException(false, localGoAwayCode);
        }
        if (streams.size() + pendingOpens.size() >= config.maxStreams()) {
            return new YamuxStreamLimitException("session has " + streams.size() + " streams and "
                    + pendingOpens.size() + " waiting opens; the limit is " + config.maxStreams());
        }
        return null;
    }

    private void openInto(CompletableFuture<YamuxStream> result) {
        if (nextLocalId > MAX_STREAM_ID) {
            fail(result, new YamuxStreamLimitException("stream ids of this session are exhausted"));
            return;
        }
        int id = (int) nextLocalId;
        nextLocalId += 2;
        YamuxStream stream = new YamuxStream(this, id, true);
        streams.put(id, stream);
        outboundUnacked++;
        stream.sendOpen();
        complete(result, stream);
    }

    private void admitPendingOpens() {
        while (!pendingOpens.isEmpty() && outboundUnacked < config.maxOutboundBacklog() && !closed) {
            CompletableFuture<YamuxStream> next = pendingOpens.poll();
            if (!next.isDone()) {
                openInto(next);
            }
        }
    }

    private void failPendingOpens(YamuxException error) {
        CompletableFuture<YamuxStream> next;
        while ((next = pendingOpens.poll()) != null) {
            fail(next, error);
        }
    }

    /** The peer acknowledged one of our streams (or closed it before doing so). */
    void onOutboundAcknowledged() {
        outboundUnacked--;
        admitPendingOpens();
    }

    /** This side acknowledged one of the peer's streams (or it closed before). */
    void onInboundAcknowledged() {
        inboundUnacked--;
    }

    /** Forgets a stream that is fully closed or reset. */
    void removeStream(YamuxStream stream) {
        if (streams.get(stream.rawId()) != stream) {
            return;
        }
        streams.remove(stream.rawId());
        blockedStreams.remove(stream);
        stream.onRemoved();
    }

    void addReceiveBuffered(long delta) {
        receiveBuffered += delta;
        receiveBufferedListener.accept(delta);
    }

    /**
     * Receives every change of the bytes held in this session's stream receive buffers (positive when data is
     * buffered, negative when it is delivered or dropped), in the executor. Set it before {@link #start()}.
     */
    void setReceiveBufferedListener(LongConsumer listener) {
        this.receiveBufferedListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Whether a stream has data queued for the peer's window while that window is used up: only reading the
     * connection brings the window update, so pausing this session's reading could stall it (and, through a relay,
     * the connection whose data it forwards). Linear in the number of streams.
     */
    boolean awaitingPeerWindow() {
        for (YamuxStream s : streams.values()) {
            if (s.queuedWriteBytes() > 0 && s.sendWindow() <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether a stream would buffer data arriving now (its reader is paused or not set yet). */
    boolean hasStalledReader() {
        for (YamuxStream s : streams.values()) {
            if (s.readStalled()) {
                return true;
            }
        }
        return false;
    }

    /** Bytes held in stream receive buffers (without a partial frame). */
    long receiveBuffered() {
        return receiveBuffered;
    }

    /**
     * The owner stopped (or resumed) reading the connection on purpose, e.g. to stay within a memory budget. While
     * paused, an unanswered ping does not fail the session: its answer waits unread in the connection, and the
     * ping's timeout starts again once reading resumes. Call in the executor.
     */
    void setInboundPaused(boolean value) {
        boolean resumed = inboundPaused && !value;
        inboundPaused = value;
        ActivePing ping = activePing;
        if (resumed && ping != null && !closed) {
            ping.timeout.cancel();
            rearmPing(ping);
        }
    }

    /** Bytes held by this session for inbound data: stream receive buffers plus a partial frame. */
    long bufferedBytes() {
        return receiveBuffered + decoder.bufferedBytes();
    }

    long rttNanos() {
        return rttNanos;
    }

    private boolean isLocalId(int id) {
        boolean odd = (id & 1) == 1;
        return odd == (role == Role.CLIENT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Input

    private void processInbound(ByteBuffer chunk) {
        if (closed) {
            chunk.position(chunk.limit());
            return;
        }
        inboundBytesTotal += chunk.remaining();
        if (decoding) {
            // A callback fed the session from within the session (e.g. a sink wired straight to a peer that writes
            // back synchronously): decode it after the current chunk, in order.
            reentrantInbound.add(copyOf(chunk));
            return;
        }
        decoding = true;
        try {
            ByteBuffer next = chunk;
            while (next != null && !closed) {
                decoder.decode(next, inbound);
                next = reentrantInbound.poll();
            }
        } catch (YamuxProtocolException e) {
            // DEBUG, not WARN: a hostile peer must not be able to flood the log; the reason reaches the listener.
            LOG.debug("{}: protocol violation by the peer, terminating the session: {}", this, e.getMessage());
            terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.PROTOCOL_ERROR,
                    YamuxHeader.GO_AWAY_PROTOCOL_ERROR, "protocol error: " + e.getMessage(), e),
                    YamuxHeader.GO_AWAY_PROTOCOL_ERROR);
        } finally {
            decoding = false;
            reentrantInbound.clear();
        }
    }

    /** Decoded frames, routed to streams or handled at session level. */
    private final class InboundHandler implements YamuxFrameDecoder.Handler {

        @Override
        public boolean onDataHeader(YamuxHeader header) throws YamuxProtocolException {
            YamuxStream stream = streamFor(header);
            if (stream == null) {
                return false;
            }
            if (header.has(YamuxHeader.FLAG_ACK)) {
                stream.onRemoteAck();
            }
            return stream.admitInboundData(header.lengthUnsigned());
        }

        @Override
        public void onFrame(YamuxHeader header, @Nullable ByteBuffer payload) throws YamuxProtocolException {
            if (LOG.isTraceEnabled()) {
                LOG.trace("{}: received {}", YamuxSession.this, header);
            }
            switch (header.type()) {
                case YamuxHeader.TYPE_DATA -> {
                    YamuxStream stream = streams.get(header.streamId());
                    if (stream != null && payload != null) {
                        stream.onInboundData(payload, header.flags());
                    }
                }
                case YamuxHeader.TYPE_WINDOW_UPDATE -> {
                    YamuxStream stream = streamFor(header);
                    if (stream != null) {
                        if (header.has(YamuxHeader.FLAG_ACK)) {
                            stream.onRemoteAck();
                        }
                        stream.onWindowUpdate(header);
                    }
                }
                case YamuxHeader.TYPE_PING -> onPing(header);
                case YamuxHeader.TYPE_GO_AWAY -> onGoAway(header.length());
                default -> throw new YamuxProtocolException("unknown frame type " + header.type());
            }
        }
    }

    /**
     * The stream a DATA or WINDOW_UPDATE frame is for, opening it on SYN; {@code null} if the frame is to be dropped
     * (a refused SYN, or a stream that was closed).
     */
    private @Nullable YamuxStream streamFor(YamuxHeader header) throws YamuxProtocolException {
        int id = header.streamId();
        if (id == 0) {
            throw new YamuxProtocolException(YamuxHeader.typeName(header.type()) + " frame on stream 0");
        }
        YamuxStream stream = streams.get(id);
        if (header.has(YamuxHeader.FLAG_SYN)) {
            if (stream != null) {
                throw new YamuxProtocolException("duplicate SYN for open stream " + header.streamIdUnsigned());
            }
            if (isLocalId(id)) {
                throw new YamuxProtocolException("peer opened stream " + header.streamIdUnsigned()
                        + ", an id of this side's parity (both sides act as " + role + ")");
            }
            return acceptInbound(id);
        }
        if (stream != null) {
            return stream;
        }
        long unsignedId = header.streamIdUnsigned();
        boolean neverOpened = isLocalId(id) ? unsignedId >= nextLocalId : unsignedId > maxRemoteId;
        if (neverOpened && header.type() == YamuxHeader.TYPE_DATA) {
            throw new YamuxProtocolException("DATA for stream " + unsignedId + ", which was never opened");
        }
        // Go-yamux drops these too: most are frames in flight for a stream we already reset or closed.
        LOG.debug("{}: dropping {} for unknown stream", this, header);
        return null;
    }

    private @Nullable YamuxStream acceptInbound(int id) {
        long unsignedId = Integer.toUnsignedLong(id);
        if (unsignedId > maxRemoteId) {
            maxRemoteId = unsignedId;
        }
        String refusal = null;
        if (localGoAway) {
            refusal = "GO_AWAY was sent";
        } else if (streams.size() >= config.maxStreams()) {
            refusal = "the session has " + streams.size() + " streams (maxStreams)";
        } else if (inboundUnacked >= config.maxUnackedInboundStreams()) {
            refusal = inboundUnacked + " inbound streams are not yet acknowledged (ACK backlog)";
        }
        if (refusal != null) {
            LOG.debug("{}: refusing stream {} with RST: {}", this, unsignedId, refusal);
            emit(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, id, 0, null);
            return null;
        }
        YamuxStream stream = new YamuxStream(this, id, false);
        streams.put(id, stream);
        inboundUnacked++;
        try {
            acceptor.onInboundStream(stream);
        } catch (RuntimeException e) {
            LOG.warn("{}: stream acceptor failed for stream {}; resetting it", this, unsignedId, e);
            stream.resetLocally(0, e);
        }
        return stream.isTerminated() ? null : stream;
    }

    private void onPing(YamuxHeader header) {
        if (header.has(YamuxHeader.FLAG_SYN)) {
            emit(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, header.length(), null);
            return;
        }
        ActivePing ping = activePing;
        if (header.has(YamuxHeader.FLAG_ACK) && ping != null && ping.value == header.length()) {
            activePing = null;
            ping.timeout.cancel();
            long rtt = Math.max(0, nanoTime() - ping.sentAt);
            long previous = rttNanos;
            rttNanos = previous == 0 ? rtt : previous / 2 + rtt / 2;
            complete(ping.future, Duration.ofNanos(rtt));
        }
    }

    private void onGoAway(int code) {
        LOG.debug("{}: peer sent GO_AWAY {}", this, Integer.toUnsignedString(code));
        if (!remoteGoAway) {
            remoteGoAway = true;
            remoteGoAwayCode = code;
            failPendingOpens(new YamuxGoAwayException(true, code));
        }
        try {
            listener.onRemoteGoAway(code);
        } catch (RuntimeException e) {
            LOG.warn("{}: session listener failed on GO_AWAY", this, e);
        }
        if (code != YamuxHeader.GO_AWAY_NORMAL) {
            String what = switch (code) {
                case YamuxHeader.GO_AWAY_PROTOCOL_ERROR -> "protocol error";
                case YamuxHeader.GO_AWAY_INTERNAL_ERROR -> "internal error";
                default -> "unknown code " + Integer.toUnsignedString(code);
            };
            terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.REMOTE_GO_AWAY, code,
                    "peer sent GO_AWAY: " + what, null), -1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pings and keepalive

    private ActivePing sendPing() {
        ActivePing ping = new ActivePing(nextPingValue++, nanoTime(), inboundBytesTotal);
        activePing = ping;
        emit(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, ping.value, null);
        rearmPing(ping);
        return ping;
    }

    /**
     * The ping timed out. The answer may be queued behind data the peer is sending us, so any received byte counts
     * as liveness: only a silent connection fails.
     */
    /** Gives the outstanding ping a fresh timeout, counted from the inbound bytes seen so far. */
    private void rearmPing(ActivePing ping) {
        ping.inboundMark = inboundBytesTotal;
        ping.timeout = schedule(() -> checkPing(ping), config.pingTimeout());
    }

    private void checkPing(ActivePing ping) {
        if (activePing != ping || closed) {
            return;
        }
        if (inboundPaused || inboundBytesTotal != ping.inboundMark) {
            rearmPing(ping);
            return;
        }
        LOG.debug("{}: no answer to ping and no data for {}, terminating the session", this, config.pingTimeout());
        terminate(new YamuxSessionClosedException(YamuxSessionClosedException.Reason.KEEPALIVE_TIMEOUT,
                YamuxHeader.GO_AWAY_NORMAL, "ping timed out after " + config.pingTimeout(), null), -1);
    }

    private void scheduleKeepalive() {
        Duration interval = config.keepaliveInterval();
        if (!interval.isZero() && !closed) {
            keepaliveTimer = schedule(() -> {
                if (closed) {
                    return;
                }
                if (activePing == null) {
                    sendPing();
                }
                scheduleKeepalive();
            }, interval);
        }
    }

    private static final class ActivePing {
        final int value;
        final long sentAt;
        final CompletableFuture<Duration> future = new CompletableFuture<>();
        long inboundMark;
        SerialExecutor.Cancellable timeout = () -> { };

        ActivePing(int value, long sentAt, long inboundMark) {
            this.value = value;
            this.sentAt = sentAt;
            this.inboundMark = inboundMark;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Termination

    /**
     * Ends the session once: optionally sends GO_AWAY {@code goAwayCode} (-1: none), resets every stream, fails
     * every pending future, then reports {@code reason}.
     */
    private void terminate(YamuxSessionClosedException reason, int goAwayCode) {
        if (closed) {
            return;
        }
        // Closed first: a sink failing on the GO_AWAY must not start a second termination.
        closed = true;
        closeReason = reason;
        if (goAwayCode >= 0 && !(localGoAway && goAwayCode == YamuxHeader.GO_AWAY_NORMAL)) {
            emit(YamuxHeader.TYPE_GO_AWAY, 0, 0, goAwayCode, null);
        }
        decoder.close();
        reentrantInbound.clear();
        SerialExecutor.Cancellable keepalive = keepaliveTimer;
        if (keepalive != null) {
            keepalive.cancel();
        }
        ActivePing ping = activePing;
        if (ping != null) {
            activePing = null;
            ping.timeout.cancel();
            fail(ping.future, reason);
        }
        List<YamuxStream> all = new ArrayList<>(streams.values());
        streams.clear();
        blockedStreams.clear();
        for (YamuxStream stream : all) {
            stream.onSessionTerminated(reason);
        }
        failPendingOpens(reason);
        defer(() -> {
            try {
                listener.onSessionClosed(reason);
            } catch (RuntimeException e) {
                LOG.warn("{}: session listener failed on close", this, e);
            }
        });
    }

    private static ByteBuffer copyOf(ByteBuffer chunk) {
        ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
        copy.put(chunk);
        copy.flip();
        return copy;
    }
}
