package io.meshwork.libp2p.core.internal.multistream;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.StreamResetException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link Duplex} for tests, created in linked pairs that share one {@link Trampoline}: a serial
 * executor that runs tasks at once on the calling thread unless it is already running one, in which case the task
 * runs after it. So everything happens synchronously within the test's call, but reader callbacks never nest, as
 * on a real event loop. Each write arrives at the peer as one chunk. Like a real duplex it holds data while no
 * reader is set or reading is paused (the end of the stream too), and resets when a reader throws.
 */
final class FakeDuplex implements Duplex {

    /** A serial executor without threads; see the class comment. */
    static final class Trampoline implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        @Override
        public void execute(Runnable task) {
            tasks.add(Objects.requireNonNull(task));
            if (running) {
                return;
            }
            running = true;
            try {
                Runnable next;
                while ((next = tasks.poll()) != null) {
                    next.run();
                }
            } finally {
                running = false;
            }
        }
    }

    private final String name;
    private final Trampoline executor;
    private @Nullable FakeDuplex peer;
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private final ByteArrayOutputStream writtenBytes = new ByteArrayOutputStream();
    private final List<byte[]> writes = new ArrayList<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private @Nullable DuplexReader reader;
    private boolean paused;
    private int pauseCalls;
    private boolean endPending;
    private boolean endDelivered;
    private boolean writeClosed;
    private boolean resetCalled;
    private @Nullable Throwable readerFailure;

    private FakeDuplex(String name, Trampoline executor) {
        this.name = name;
        this.executor = executor;
    }

    /** Two duplexes wired to each other: what one writes, the other reads. */
    static FakeDuplex[] pair() {
        Trampoline executor = new Trampoline();
        FakeDuplex a = new FakeDuplex("a", executor);
        FakeDuplex b = new FakeDuplex("b", executor);
        a.peer = b;
        b.peer = a;
        return new FakeDuplex[] {a, b};
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            if (writeClosed || !isOpen()) {
                done.completeExceptionally(new DuplexClosedException(name + " is closed for writing"));
                return;
            }
            writes.add(copy);
            writtenBytes.writeBytes(copy);
            FakeDuplex remote = Objects.requireNonNull(peer);
            remote.held.add(ByteBuffer.wrap(copy));
            remote.deliver();
            done.complete(null);
        });
        return done;
    }

    /** Writes as the remote would (for traces): the bytes arrive here as one chunk. */
    void receive(byte[] bytes) {
        Objects.requireNonNull(peer).write(ByteBuffer.wrap(bytes));
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        executor.execute(() -> {
            if (!writeClosed) {
                writeClosed = true;
                FakeDuplex remote = Objects.requireNonNull(peer);
                remote.endPending = true;
                remote.deliver();
            }
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void reset() {
        executor.execute(() -> {
            resetCalled = true;
            StreamResetException cause = new StreamResetException(name + " was reset locally", 0);
            terminate(cause);
            Objects.requireNonNull(peer).terminate(new StreamResetException(name + "'s peer reset the stream", 0));
        });
    }

    private void terminate(Throwable cause) {
        if (closeFuture.isDone()) {
            return;
        }
        closeFuture.completeExceptionally(cause);
        held.clear();
        DuplexReader current = reader;
        if (current != null) {
            current.onClose(cause);
        }
    }

    @Override
    public void close() {
        closeWrite();
    }

    @Override
    public void setReader(DuplexReader reader) {
        executor.execute(() -> {
            this.reader = reader;
            deliver();
        });
    }

    @Override
    public void pauseReading() {
        executor.execute(() -> {
            paused = true;
            pauseCalls++;
        });
    }

    @Override
    public void resumeReading() {
        executor.execute(() -> {
            paused = false;
            deliver();
        });
    }

    private void deliver() {
        while (reader != null && !paused && isOpen() && !held.isEmpty()) {
            ByteBuffer chunk = held.poll();
            try {
                reader.onData(chunk);
            } catch (RuntimeException e) {
                readerFailure = e;
                reset();
                return;
            }
        }
        if (reader != null && !paused && isOpen() && held.isEmpty() && endPending && !endDelivered) {
            endDelivered = true;
            reader.onEnd();
        }
    }

    @Override
    public boolean isOpen() {
        return !closeFuture.isDone();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    /** Everything written so far, concatenated. */
    byte[] written() {
        return writtenBytes.toByteArray();
    }

    /** The writes so far, one array each. */
    List<byte[]> writes() {
        return writes;
    }

    boolean isPaused() {
        return paused;
    }

    int pauseCalls() {
        return pauseCalls;
    }

    boolean wasReset() {
        return resetCalled;
    }

    @Nullable Throwable readerFailure() {
        return readerFailure;
    }

    int heldChunks() {
        return held.size();
    }

    @Override
    public String toString() {
        return "FakeDuplex[" + name + "]";
    }
}
