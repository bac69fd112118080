package io.meshwork.libp2p.kad.internal;

import io.meshwork.libp2p.kad.internal.engine.Scheduler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The engine's {@link Scheduler} on a single-threaded executor and the system clock. */
public final class ExecutorScheduler implements Scheduler {

    private final ScheduledExecutorService thread;

    public ExecutorScheduler(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Runnable schedule(Runnable task, long delayMillis) {
        var f = thread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        thread.execute(task);
    }
}
