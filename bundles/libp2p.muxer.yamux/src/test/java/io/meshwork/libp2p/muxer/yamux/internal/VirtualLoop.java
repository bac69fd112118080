package io.meshwork.libp2p.muxer.yamux.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/** A single-threaded serial executor with virtual time: timers run only when the test advances the clock. */
final class VirtualLoop implements SerialExecutor {

    private long now = 1_000_000_000L;
    private long sequence;
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong((Timer t) -> t.at).thenComparingLong(t -> t.sequence));
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public boolean inExecutor() {
        return true;
    }

    @Override
    public void execute(Runnable command) {
        tasks.add(command);
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Timer timer = new Timer(now + delay.toNanos(), sequence++, task);
        timers.add(timer);
        return () -> timer.cancelled = true;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    void runPending() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Moves the clock forward, running the timers that fall due, in order. */
    void advance(Duration duration) {
        long end = now + duration.toNanos();
        while (true) {
            Timer next = timers.peek();
            if (next == null || next.at > end) {
                break;
            }
            timers.poll();
            now = next.at;
            if (!next.cancelled) {
                next.task.run();
            }
            runPending();
        }
        now = end;
    }

    long activeTimers() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }

    private static final class Timer {
        final long at;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Timer(long at, long sequence, Runnable task) {
            this.at = at;
            this.sequence = sequence;
            this.task = task;
        }
    }
}
