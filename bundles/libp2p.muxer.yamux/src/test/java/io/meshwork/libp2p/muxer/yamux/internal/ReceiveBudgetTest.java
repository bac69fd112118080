package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pause/resume decision of the global receive-buffer budget, without any I/O. */
class ReceiveBudgetTest {

    private static final class Counting implements ReceiveBudget.Member {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    @Test
    void unlimitedNeverPauses() {
        ReceiveBudget b = new ReceiveBudget(0);
        assertFalse(b.enabled());
        b.add(Long.MAX_VALUE / 2);
        assertFalse(b.shouldPause(1_000_000));
        assertEquals(Long.MAX_VALUE / 2, b.peak());
    }

    @Test
    void negativeMaxIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ReceiveBudget(-1));
    }

    @Test
    void pausesOnlyAboveHighWaterAndOnlyMembersHoldingData() {
        ReceiveBudget b = new ReceiveBudget(1000);
        assertEquals(750, b.lowWater());
        b.add(1000);
        assertFalse(b.shouldPause(10), "at the high-water mark, not above it");
        b.add(1);
        assertTrue(b.shouldPause(10));
        assertFalse(b.shouldPause(0), "a member holding nothing keeps reading");
    }

    @Test
    void hysteresisWakesAtLowWaterOnce() {
        ReceiveBudget b = new ReceiveBudget(1000);
        Counting m1 = new Counting();
        Counting m2 = new Counting();
        b.add(1200);
        b.paused(m1);
        b.paused(m2);
        assertEquals(2, b.pausedCount());
        b.add(-300); // 900: below high, above low
        assertEquals(0, m1.wakes.get() + m2.wakes.get(), "no wake between the marks");
        assertFalse(b.shouldPause(1), "but nobody new pauses either");
        b.add(-150); // 750 = low
        assertEquals(1, m1.wakes.get());
        assertEquals(1, m2.wakes.get());
        assertEquals(0, b.pausedCount());
        b.add(-100);
        assertEquals(1, m1.wakes.get(), "woken once per pause");
        assertEquals(2, b.pauses());
    }

    @Test
    void aMemberThatCannotBeWokenDoesNotFailTheCallerOrTheOthers() {
        // e.g. a stopping connection whose executor rejects tasks, woken by another connection releasing buffers
        ReceiveBudget b = new ReceiveBudget(1000);
        ReceiveBudget.Member stopping = () -> {
            throw new java.util.concurrent.RejectedExecutionException("executor shut down");
        };
        Counting other = new Counting();
        b.add(1200);
        b.paused(stopping);
        b.paused(other);
        b.add(-1000); // below low water: wakes both; the failing one must not throw out of add()
        assertEquals(1, other.wakes.get());
        assertEquals(0, b.pausedCount());
    }

    @Test
    void pausingBelowLowWaterWakesAtOnce() {
        ReceiveBudget b = new ReceiveBudget(1000);
        Counting m = new Counting();
        b.add(100);
        b.paused(m); // the total fell between the member's decision and its registration
        assertEquals(1, m.wakes.get());
        assertEquals(0, b.pausedCount());
    }

    @Test
    void memberResumedOnItsOwnIsNotWoken() {
        ReceiveBudget b = new ReceiveBudget(1000);
        Counting m = new Counting();
        b.add(2000);
        b.paused(m);
        b.resumed(m);
        b.add(-2000);
        assertEquals(0, m.wakes.get());
        assertEquals(0, b.total());
        assertEquals(2000, b.peak());
    }

    /** Members pausing on some threads while others drain: every paused member is woken once it is all drained. */
    @Test
    void noMemberStaysPausedWhenDrainedConcurrently() throws Exception {
        for (int round = 0; round < 200; round++) {
            ReceiveBudget b = new ReceiveBudget(1000);
            b.add(5000);
            int n = 4;
            List<Counting> members = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Counting m = new Counting();
                members.add(m);
                threads.add(new Thread(() -> {
                    await(start);
                    b.paused(m);
                }));
                threads.add(new Thread(() -> {
                    await(start);
                    b.add(-1250);
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertEquals(0, b.total());
            for (Counting m : members) {
                assertEquals(1, m.wakes.get(), "round " + round);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
