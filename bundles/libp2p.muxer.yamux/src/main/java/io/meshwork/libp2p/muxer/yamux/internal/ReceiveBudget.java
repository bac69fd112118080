package io.meshwork.libp2p.muxer.yamux.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A budget for the bytes all Yamux sessions of one muxer hold in their stream receive buffers (data that arrived
 * within a stream's window but that the stream's reader has not taken yet). Plain logic, no I/O, safe to use from
 * any thread: every session reports its changes with {@link #add(long)} from its own event loop.
 *
 * <p>Above {@link #highWater()} a session that holds buffered data should stop reading its connection
 * ({@link #shouldPause(long)}) and register with {@link #paused(Member)}; the inbound data then waits in the
 * kernel's TCP buffers and TCP flow control slows the sender. Once the total falls to {@link #lowWater()} (three
 * quarters of the high-water mark) every paused member is woken ({@link Member#wake()}) once. A member may also
 * leave early with {@link #resumed(Member)} (e.g. once its own buffers are empty). Whichever of a falling total and
 * a new registration happens last performs the wake-up, so a member never stays paused below the low-water mark.
 *
 * <p>A {@code max} of 0 disables the budget: nothing ever pauses.
 */
final class ReceiveBudget {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiveBudget.class);

    /** A session that may be paused by the budget. */
    interface Member {
        /** The total fell below the low-water mark: resume reading. Called from any thread, once per pause. */
        void wake();
    }

    private volatile long highWater;
    private final AtomicLong total = new AtomicLong();
    private final Set<Member> paused = new LinkedHashSet<>();
    private volatile int pausedCount;
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    /** @param max bytes above which sessions holding buffered data pause; 0 = unlimited */
    ReceiveBudget(long max) {
        setMax(max);
    }

    /**
     * Changes the limit (a configuration update); sessions see it at their next decision. Paused sessions are woken
     * if the total is now at or below the new low-water mark (or the budget is now unlimited).
     */
    void setMax(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("max.buffered.total must be >= 0: " + max);
        }
        this.highWater = max;
        if (max == 0 || total.get() <= lowWater()) {
            wakeAll();
        }
    }

    boolean enabled() {
        return highWater > 0;
    }

    long highWater() {
        return highWater;
    }

    /** Three quarters of the high-water mark: where paused sessions resume. */
    long lowWater() {
        long max = highWater;
        return max - max / 4;
    }

    /** Bytes currently buffered across all members. */
    long total() {
        return total.get();
    }

    /** Members currently paused. */
    int pausedCount() {
        return pausedCount;
    }

    /** The highest total so far. */
    long peak() {
        return peak.get();
    }

    /** How many times a member paused so far. */
    long pauses() {
        return pauses.get();
    }

    /** A member's buffered bytes changed by {@code delta}. */
    void add(long delta) {
        long now = total.addAndGet(delta);
        if (delta > 0 && now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
        if (delta < 0 && now <= lowWater() && pausedCount > 0) {
            wakeAll();
        }
    }

    /** Whether a member holding {@code ownBuffered} bytes should stop reading now. */
    boolean shouldPause(long ownBuffered) {
        return enabled() && ownBuffered > 0 && total.get() > highWater;
    }

    /** {@code m} stopped reading; it is woken once the total is at or below the low-water mark (maybe at once). */
    void paused(Member m) {
        synchronized (paused) {
            if (paused.add(m)) {
                pausedCount = paused.size();
                pauses.incrementAndGet();
            }
        }
        if (total.get() <= lowWater()) {
            wakeAll();
        }
    }

    /** {@code m} resumed on its own (or went away): it is not woken later. */
    void resumed(Member m) {
        synchronized (paused) {
            if (paused.remove(m)) {
                pausedCount = paused.size();
            }
        }
    }

    private void wakeAll() {
        List<Member> woken;
        synchronized (paused) {
            woken = new ArrayList<>(paused);
            paused.clear();
            pausedCount = 0;
        }
        for (Member m : woken) {
            try {
                m.wake();
            } catch (RuntimeException e) {
                // that member's connection is stopping (e.g. its executor rejects tasks): nothing to resume, and
                // the caller (often another connection releasing its buffers) must not fail because of it
                LOG.debug("Could not wake {}: {}", m, e.toString());
            }
        }
    }
}
