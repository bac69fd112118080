package io.meshwork.libp2p.pubsub.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's serial executor: tasks run one at a time, in submission order, on {@code thread} (the router's
 * single thread, which also runs its timers). Submitting is a lock-free enqueue; the thread is only handed a task
 * (and woken) when it has nothing queued, so a burst of submissions while the router is busy costs no thread
 * hand-off each. One drain runs at most {@value #DRAIN_BATCH} tasks before it yields to the thread's timers.
 *
 * <p>The queue has no bound of its own: every producer is bounded upstream (pending publications, inbound RPCs per
 * peer, pending validations).
 */
final class RouterExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(RouterExecutor.class);
    static final int DRAIN_BATCH = 1024;

    private final ExecutorService thread;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    RouterExecutor(ExecutorService thread) {
        this.thread = thread;
    }

    /** @throws RejectedExecutionException if the router's thread is shut down */
    @Override
    public void execute(Runnable task) {
        if (thread.isShutdown()) { // a drain queued before the shutdown is gone with it
            throw new RejectedExecutionException("the pubsub router is stopped");
        }
        queue.add(task);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.execute(drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                queue.clear(); // stopped: nothing queued will run
                throw e;
            }
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < DRAIN_BATCH; i++) {
                Runnable task = queue.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("PubSub router task failed", e);
                }
            }
        } finally {
            scheduled.set(false);
        }
        if (!queue.isEmpty()) {
            try {
                schedule();
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }
}
