package io.meshwork.libp2p.transport.tcp.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.WriteQueueFullException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty socket channel seen as a {@link RawConnection}.
 *
 * <p><b>Threading.</b> {@link #executor()} is the channel's event loop. All state below is confined to it; public
 * methods called from another thread hop onto it, so calls from one thread keep their order. Reader callbacks and
 * the completion of write stages run on the loop.
 *
 * <p><b>Reading.</b> The channel runs with auto-read off: a read is requested only while a reader is set, not
 * paused and nothing is held, so a paused or absent reader leaves data in the kernel and TCP flow control stops
 * the sender. What one read batch brings after a pause is held (at most one batch) and delivered on resume.
 * Every inbound {@link ByteBuf} is released once delivered, or when the connection ends.
 *
 * <p><b>Writing.</b> Writes wrap the caller's buffer without copying; their stages complete when the bytes are
 * handed to the kernel. The bytes of uncompleted writes are bounded ({@link TcpSettings#maxPendingWriteBytes()}).
 * Writes of one event-loop task are flushed once, at the end of the task.
 */
final class NettyRawConnection implements RawConnection {

    private static final Logger LOG = LoggerFactory.getLogger(NettyRawConnection.class);

    private final Channel channel;
    private final EventLoop loop;
    private final Direction direction;
    private final int maxPendingWriteBytes;
    private final long closeTimeoutMillis;
    private final @Nullable Consumer<RawConnection> acceptor;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final Handler handler = new Handler();
    private final Runnable flushTask = this::flushNow;

    // Set once by capture(), before the connection is handed out.
    private volatile @Nullable Multiaddr localAddress;
    private volatile @Nullable Multiaddr remoteAddress;

    // Event-loop state.
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private @Nullable DuplexReader reader;
    private boolean paused;
    private boolean draining;
    private boolean inputShutdown;
    private boolean endPending;
    private boolean endDelivered;
    private boolean writeClosed;
    private boolean outputShutdown;
    private boolean closing;
    private boolean aborted;
    private boolean closed;
    private @Nullable Throwable closeCause;
    private @Nullable CompletableFuture<Void> closeWriteStage;
    private @Nullable ScheduledFuture<?> closeTimer;
    private long pendingWriteBytes;
    private boolean flushScheduled;

    /**
     * @param acceptor for inbound connections: called on the loop once the channel is active
     */
    NettyRawConnection(Channel channel, Direction direction, TcpSettings settings,
            @Nullable Consumer<RawConnection> acceptor) {
        if (!(channel instanceof DuplexChannel)) {
            throw new IllegalArgumentException("not a duplex (socket) channel: " + channel);
        }
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.direction = direction;
        this.maxPendingWriteBytes = settings.maxPendingWriteBytes();
        this.closeTimeoutMillis = settings.closeTimeoutMillis();
        this.acceptor = acceptor;
    }

    /** The pipeline handler bridging the channel's events to this connection; one per channel. */
    ChannelHandler handler() {
        return handler;
    }

    Channel channel() {
        return channel;
    }

    /**
     * Records the socket addresses of the connected channel. Called on the loop before the connection is handed
     * out; false if the channel is already gone.
     */
    boolean capture() {
        SocketAddress local = channel.localAddress();
        SocketAddress remote = channel.remoteAddress();
        if (!(local instanceof InetSocketAddress) || !(remote instanceof InetSocketAddress)) {
            return false;
        }
        localAddress = Multiaddr.fromInetSocketAddress((InetSocketAddress) local, Protocol.TCP);
        remoteAddress = Multiaddr.fromInetSocketAddress((InetSocketAddress) remote, Protocol.TCP);
        return true;
    }

    @Override
    public Executor executor() {
        return loop;
    }

    @Override
    public Multiaddr localAddress() {
        Multiaddr address = localAddress;
        if (address == null) {
            throw new IllegalStateException("connection not yet established: " + channel);
        }
        return address;
    }

    @Override
    public Multiaddr remoteAddress() {
        Multiaddr address = remoteAddress;
        if (address == null) {
            throw new IllegalStateException("connection not yet established: " + channel);
        }
        return address;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        onLoop(() -> doWrite(data, stage), () -> stage.completeExceptionally(closedException("write to")));
        return stage;
    }

    private void doWrite(ByteBuffer data, CompletableFuture<Void> stage) {
        if (writeClosed) {
            stage.completeExceptionally(closedException("write to"));
            return;
        }
        int size = data.remaining();
        // A single write larger than the bound is accepted when nothing is pending, or it could never be sent.
        if (pendingWriteBytes > 0 && pendingWriteBytes + size > maxPendingWriteBytes) {
            stage.completeExceptionally(new WriteQueueFullException("write of " + size + " bytes to "
                    + describe() + " refused: " + pendingWriteBytes + " bytes are still pending and the bound is "
                    + maxPendingWriteBytes + "; wait for earlier writes to complete"));
            return;
        }
        pendingWriteBytes += size;
        ChannelPromise promise = channel.newPromise();
        promise.addListener(written -> {
            pendingWriteBytes -= size;
            if (written.isSuccess()) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(writeFailure(written.cause()));
            }
        });
        channel.write(Unpooled.wrappedBuffer(data), promise);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        try {
            loop.execute(flushTask);
        } catch (RejectedExecutionException e) {
            // The loop is shutting down and closes the channel; flush what we can now.
            flushNow();
        }
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        onLoop(() -> startCloseWrite().whenComplete((ignored, failure) -> {
            if (failure == null) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(failure);
            }
        }), () -> stage.completeExceptionally(closedException("half-close")));
        return stage;
    }

    /** Sends FIN once every earlier write has reached the kernel; idempotent. */
    private CompletableFuture<Void> startCloseWrite() {
        CompletableFuture<Void> existing = closeWriteStage;
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Void> stage = new CompletableFuture<>();
        closeWriteStage = stage;
        if (aborted || closed) {
            stage.completeExceptionally(closedException("half-close"));
            return stage;
        }
        writeClosed = true;
        // shutdownOutput() fails writes still queued, so wait for them: an empty write completes after all
        // earlier ones.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(drained -> {
            if (!drained.isSuccess()) {
                stage.completeExceptionally(writeFailure(drained.cause()));
                return;
            }
            ((DuplexChannel) channel).shutdownOutput().addListener(shut -> {
                if (shut.isSuccess()) {
                    outputShutdown = true;
                    stage.complete(null);
                    closeIfBothDone();
                } else {
                    stage.completeExceptionally(writeFailure(shut.cause()));
                }
            });
        });
        return stage;
    }

    // ---------------------------------------------------------------------------------------------- closing

    @Override
    public void close() {
        onLoop(this::doClose, () -> { });
    }

    private void doClose() {
        if (closing || aborted || closed) {
            return;
        }
        closing = true;
        endPending = false;
        releaseHeld();
        closeTimer = loop.schedule(this::closeTimedOut, closeTimeoutMillis, TimeUnit.MILLISECONDS);
        startCloseWrite().whenComplete((ignored, failure) -> {
            if (failure != null) {
                channel.close();
            }
        });
        // Read (and discard) until the remote's FIN: closing with unread data would send RST instead.
        requestReadIfWanted();
        closeIfBothDone();
    }

    private void closeTimedOut() {
        if (closed || aborted) {
            return;
        }
        if (!outputShutdown && closeCause == null) {
            closeCause = new DuplexClosedException("graceful close of " + describe() + " timed out after "
                    + closeTimeoutMillis + " ms with writes still pending; they were discarded");
        }
        LOG.debug("Graceful close of {} timed out after {} ms; closing the socket", describe(), closeTimeoutMillis);
        channel.close();
    }

    /** Closes the socket once both directions ended cleanly. */
    private void closeIfBothDone() {
        if (closed || aborted || !outputShutdown) {
            return;
        }
        if (closing ? inputShutdown : endDelivered) {
            channel.close();
        }
    }

    @Override
    public void reset() {
        onLoop(() -> abort(new DuplexClosedException("connection " + describe() + " was reset locally"), true),
                () -> { });
    }

    /** Closes at once, failing pending writes; with {@code rst} the remote sees a reset instead of a FIN. */
    void abort(Throwable cause, boolean rst) {
        if (!loop.inEventLoop()) {
            onLoop(() -> abort(cause, rst), () -> { });
            return;
        }
        if (aborted || closed) {
            return;
        }
        aborted = true;
        writeClosed = true;
        endPending = false;
        if (closeCause == null) {
            closeCause = cause;
        }
        releaseHeld();
        if (rst) {
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                LOG.debug("Cannot set SO_LINGER 0 on {}; closing without RST", describe(), e);
            }
        }
        channel.close();
    }

    // ---------------------------------------------------------------------------------------------- reading

    @Override
    public void setReader(DuplexReader newReader) {
        onLoop(() -> {
            reader = newReader;
            if (closed) {
                notifyClose(newReader);
                return;
            }
            drainHeld();
        }, () -> { });
    }

    @Override
    public void pauseReading() {
        onLoop(() -> paused = true, () -> { });
    }

    @Override
    public void resumeReading() {
        onLoop(() -> {
            paused = false;
            drainHeld();
        }, () -> { });
    }

    private boolean canDeliver() {
        return reader != null && !paused && !closing && !aborted && !closed;
    }

    /** Delivers held data (and then the end) while the reader takes it; re-entrant calls leave it to the outer. */
    private void drainHeld() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (canDeliver() && !held.isEmpty()) {
                deliver(held.poll());
            }
            if (endPending && canDeliver() && held.isEmpty()) {
                endPending = false;
                endDelivered = true;
                DuplexReader current = reader;
                try {
                    current.onEnd();
                } catch (RuntimeException e) {
                    readerFailed(e);
                }
                closeIfBothDone();
            }
        } finally {
            draining = false;
        }
        requestReadIfWanted();
    }

    /** Hands {@code buf} to the reader and releases it; what the reader did not take (it paused) is held. */
    private void deliver(ByteBuf buf) {
        try {
            ByteBuffer[] parts = buf.nioBufferCount() == 1 ? new ByteBuffer[] {buf.nioBuffer()} : buf.nioBuffers();
            int delivered = 0;
            for (ByteBuffer part : parts) {
                DuplexReader current = reader;
                if (current == null || !canDeliver()) {
                    if (!closing && !aborted && !closed) {
                        // Paused (or left) part way through a composite buffer: hold the rest for later.
                        held.addFirst(buf.retainedSlice(buf.readerIndex() + delivered,
                                buf.readableBytes() - delivered));
                    }
                    return;
                }
                delivered += part.remaining();
                current.onData(part);
            }
        } catch (RuntimeException e) {
            readerFailed(e);
        } finally {
            buf.release();
        }
    }

    private void readerFailed(RuntimeException e) {
        LOG.warn("Reader of TCP connection {} failed; resetting the connection", describe(), e);
        abort(new DuplexClosedException("reader of " + describe() + " failed: " + e, e), true);
    }

    private void requestReadIfWanted() {
        if (inputShutdown || closed || aborted) {
            return;
        }
        if (closing || (reader != null && !paused && held.isEmpty())) {
            channel.read();
        }
    }

    private void releaseHeld() {
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            buf.release();
        }
    }

    private void notifyClose(DuplexReader target) {
        try {
            target.onClose(closeCause);
        } catch (RuntimeException e) {
            LOG.warn("Reader of TCP connection {} failed in onClose", describe(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void onLoop(Runnable task, Runnable rejected) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    private DuplexClosedException closedException(String operation) {
        String state = aborted || closeCause != null ? "reset or failed"
                : closed || closing ? "closed" : "closed for writing";
        DuplexClosedException exception = new DuplexClosedException("cannot " + operation + " " + describe()
                + ": the connection is " + state);
        Throwable cause = closeCause;
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }

    /**
     * The exception for a failed write. A write fails on its own only when the socket does (Netty then closes
     * it), so that becomes the close cause unless there already is one: the close was not clean.
     */
    private DuplexClosedException writeFailure(Throwable failure) {
        if (failure instanceof DuplexClosedException) {
            return (DuplexClosedException) failure;
        }
        Throwable reason = closeCause;
        DuplexClosedException exception = new DuplexClosedException("write to " + describe() + " failed: "
                + (reason != null ? reason : failure).getMessage(), failure);
        if (reason == null && !closed) {
            closeCause = exception;
        }
        return exception;
    }

    private String describe() {
        Multiaddr remote = remoteAddress;
        return remote == null ? channel.toString() : direction + " " + remote;
    }

    @Override
    public String toString() {
        return "NettyRawConnection[" + direction + " " + localAddress + " <-> " + remoteAddress + "]";
    }

    /** Channel events, all on the loop. Stateful: one per channel. */
    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Consumer<RawConnection> accept = acceptor;
            if (accept != null) {
                if (!capture()) {
                    ctx.close();
                    return;
                }
                try {
                    accept.accept(NettyRawConnection.this);
                } catch (RuntimeException e) {
                    LOG.warn("Acceptor of inbound TCP connection {} failed; resetting it", describe(), e);
                    abort(new DuplexClosedException("acceptor of " + describe() + " failed: " + e, e), true);
                }
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            if (closing || aborted || closed || !buf.isReadable()) {
                buf.release();
                return;
            }
            held.add(buf);
            drainHeld();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            requestReadIfWanted();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                if (inputShutdown || aborted || closed) {
                    return;
                }
                inputShutdown = true;
                if (closing) {
                    closeIfBothDone();
                } else {
                    endPending = true;
                    drainHeld();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (aborted || closed) {
                LOG.debug("TCP connection {} failed after it was closed", describe(), cause);
                return;
            }
            LOG.debug("TCP connection {} failed", describe(), cause);
            abort(new DuplexClosedException("TCP connection " + describe() + " failed: " + cause.getMessage(),
                    cause), false);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            // Only when the pipeline is torn down; the channel is closed by then.
            releaseHeld();
        }
    }

    private void finish() {
        if (closed) {
            return;
        }
        closed = true;
        writeClosed = true;
        endPending = false;
        releaseHeld();
        ScheduledFuture<?> timer = closeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        DuplexReader current = reader;
        if (current != null) {
            notifyClose(current);
        }
        Throwable cause = closeCause;
        if (cause == null) {
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(cause);
        }
    }

    /** For the transport: the channel's close, as a Netty future. */
    ChannelFuture channelCloseFuture() {
        return channel.closeFuture();
    }
}
