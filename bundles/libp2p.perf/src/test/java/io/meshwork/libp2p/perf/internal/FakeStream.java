package io.meshwork.libp2p.perf.internal;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.StreamResetException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory stream for unit tests. Single-threaded: the test thread plays the executor; tasks submitted to
 * {@link #executor()} are queued and run by {@link #runTasks()}. Writes are recorded and either completed at once
 * ({@link #autoComplete}) or left pending for the test to complete. Data delivered to the reader is overwritten
 * after each call, to catch readers that keep the buffer.
 */
final class FakeStream implements Stream {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor executor = tasks::add;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private @Nullable DuplexReader reader;

    /** Complete each write as soon as it is made. */
    boolean autoComplete = true;
    /** Writes not yet completed (when {@link #autoComplete} is off). */
    final List<CompletableFuture<Void>> pendingWrites = new ArrayList<>();
    long written;
    int writes;
    int outstanding;
    int maxOutstandingSeen;
    boolean writeClosed;
    /** {@link #written} when {@link #closeWrite()} was called, and how many writes were outstanding then. */
    long writtenAtCloseWrite = -1;
    int outstandingAtCloseWrite = -1;
    boolean reset;
    private boolean closedReader;
    private boolean remoteEnded;
    /** Fail writes with this, if set. */
    @Nullable RuntimeException writeFailure;

    @Override
    public Executor executor() {
        return executor;
    }

    /** Runs queued executor tasks (and what they queue) until none is left. */
    void runTasks() {
        for (int i = 0; i < 1_000_000; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                return;
            }
            r.run();
        }
        throw new AssertionError("executor tasks do not end");
    }

    // ---------------------------------------------------------------- the remote side, driven by the test

    /** Delivers {@code bytes} to the reader as one chunk, then scribbles over the buffer. */
    void deliver(byte[] bytes) {
        byte[] copy = bytes.clone();
        ByteBuffer chunk = ByteBuffer.wrap(copy);
        reader().onData(chunk);
        Arrays.fill(copy, (byte) 0x5a);
        runTasks();
    }

    /** The remote half-closes. */
    void end() {
        remoteEnded = true;
        reader().onEnd();
        if (writeClosed) {
            tasks.add(() -> closeReader(null));
        }
        runTasks();
    }

    /** The remote resets. */
    void remoteReset() {
        reset = true;
        failPending(new StreamResetException("stream reset by the remote", 0));
        closeReader(new StreamResetException("stream reset by the remote", 0));
        runTasks();
    }

    /** Completes the oldest {@code n} pending writes (in one task, as a muxer would) and runs what follows. */
    void completeWrites(int n) {
        for (int i = 0; i < n && !pendingWrites.isEmpty(); i++) {
            pendingWrites.remove(0).complete(null);
        }
        runTasks();
    }

    DuplexReader reader() {
        DuplexReader r = reader;
        if (r == null) {
            throw new AssertionError("no reader set");
        }
        return r;
    }

    // ---------------------------------------------------------------- Duplex

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        if (reset || writeClosed) {
            return CompletableFuture.failedFuture(new DuplexClosedException("write after close or reset"));
        }
        RuntimeException failure = writeFailure;
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        int n = data.remaining();
        data.position(data.limit());
        written += n;
        writes++;
        outstanding++;
        maxOutstandingSeen = Math.max(maxOutstandingSeen, outstanding);
        CompletableFuture<Void> f = new CompletableFuture<>();
        f.whenComplete((v, e) -> outstanding--);
        if (autoComplete) {
            f.complete(null);
        } else {
            pendingWrites.add(f);
        }
        return f;
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        if (reset) {
            return CompletableFuture.failedFuture(new DuplexClosedException("reset"));
        }
        writeClosed = true;
        writtenAtCloseWrite = written;
        outstandingAtCloseWrite = outstanding;
        if (remoteEnded) {
            tasks.add(() -> closeReader(null));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void reset() {
        if (reset) {
            return;
        }
        reset = true;
        failPending(new DuplexClosedException("reset locally"));
        tasks.add(() -> closeReader(new DuplexClosedException("stream reset locally")));
    }

    private void failPending(Exception e) {
        List<CompletableFuture<Void>> pending = new ArrayList<>(pendingWrites);
        pendingWrites.clear();
        pending.forEach(f -> f.completeExceptionally(e));
    }

    private void closeReader(@Nullable Throwable cause) {
        if (closedReader) {
            return;
        }
        closedReader = true;
        if (cause == null) {
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(cause);
        }
        DuplexReader r = reader;
        if (r != null) {
            r.onClose(cause);
        }
    }

    @Override
    public void close() {
        closeWrite();
    }

    @Override
    public void setReader(DuplexReader reader) {
        this.reader = reader;
    }

    @Override
    public void pauseReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public boolean isOpen() {
        return !closeFuture.isDone();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    // ---------------------------------------------------------------- Stream

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public String protocol() {
        return PerfProtocol.ID;
    }

    @Override
    public Connection connection() {
        throw new UnsupportedOperationException("no connection in unit tests");
    }

    @Override
    public Direction direction() {
        return Direction.INBOUND;
    }
}
