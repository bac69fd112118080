package io.meshwork.libp2p.muxer.yamux.internal;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The serial context a session and its streams are confined to, with its timers and clock: in production the
 * connection's event loop (a Netty {@code EventLoop} fits directly), in tests a manually driven virtual-time loop.
 * One object carries all three so that timers and the clock always agree (virtual time stays consistent).
 *
 * <p>Implementations must run every task (from {@link #execute} and {@link #schedule}) one at a time, in submission
 * order for {@code execute}, and {@link #inExecutor()} must be true exactly while such a task (or any other code the
 * owner runs in that context, such as a channel read) is running on the calling thread.
 */
public interface SerialExecutor extends Executor {

    /** Whether the calling thread is currently in this serial context. */
    boolean inExecutor();

    /** Runs {@code task} in this context after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** A monotonic clock in nanoseconds (like {@link System#nanoTime()}); only differences are meaningful. */
    long nanoTime();

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run yet; harmless if it already ran. */
        void cancel();
    }
}
