package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.holepunch.internal.dcutr.Scheduler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Scheduler} on a real timer; tasks scheduled after the timer stopped are dropped. */
final class TimerScheduler implements Scheduler {

    private final ScheduledExecutorService timer;

    TimerScheduler(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        try {
            ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }
}
