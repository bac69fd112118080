package io.meshwork.libp2p.kad.internal.engine;

import java.util.PriorityQueue;

/** Virtual time for any number of engines on the test thread: tasks run in time order when the test advances. */
final class VirtualScheduler implements Scheduler {

    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000;
    private long seq;

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public Runnable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        queue.add(new Task(now + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due up to now + {@code millis}. */
    void advance(long millis) {
        long until = now + millis;
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
        now = until;
    }

    /** Runs tasks until {@code done} is true, failing after {@code maxMillis} of virtual time. */
    void runUntil(java.util.function.BooleanSupplier done, long maxMillis) {
        long until = now + maxMillis;
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().at > until) {
                throw new AssertionError("not done after " + maxMillis + " ms of virtual time");
            }
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
    }

    /** Runs until {@code future} completes and returns its value. */
    <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        runUntil(future::isDone, 3_600_000);
        return future.join();
    }
}
