package io.meshwork.libp2p.muxer.yamux.internal;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Adapts a connection's serial executor to {@link SerialExecutor}. Knows it is "in" the executor while running a
 * task it submitted or while the owner delivers data through the session (see {@link #enter()}); timers run on
 * the given scheduler and then hop onto the executor.
 */
final class LoopExecutor implements SerialExecutor {

    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final ThreadLocal<Integer> depth = ThreadLocal.withInitial(() -> 0);

    LoopExecutor(Executor executor, ScheduledExecutorService timer) {
        this.executor = executor;
        this.timer = timer;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(() -> run(task));
    }

    /** Runs {@code task} marked as inside this executor (the caller is on the executor's thread). */
    void run(Runnable task) {
        depth.set(depth.get() + 1);
        try {
            task.run();
        } finally {
            int d = depth.get() - 1;
            if (d == 0) {
                depth.remove();
            } else {
                depth.set(d);
            }
        }
    }

    @Override
    public boolean inExecutor() {
        return depth.get() > 0;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> f = timer.schedule(() -> execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
