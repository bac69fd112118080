package io.meshwork.libp2p.pubsub.internal.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SeenCacheTest {

    private static MessageId id(long n) {
        return MessageId.wrap(ByteBuffer.allocate(12).putInt(0x5eed).putLong(n).array());
    }

    @Test
    void remembersIdsForTheirTtlOnly() {
        SeenCache seen = new SeenCache(Duration.ofSeconds(120), 1000);
        assertTrue(seen.add(id(1), 0));
        assertFalse(seen.add(id(1), 1000), "a duplicate");
        assertTrue(seen.add(id(2), 60_000));
        seen.expire(119_999);
        assertTrue(seen.contains(id(1)));
        seen.expire(120_000);
        assertFalse(seen.contains(id(1)), "the TTL counts from the first add, not the duplicate");
        assertTrue(seen.contains(id(2)));
        assertEquals(1, seen.size());
        seen.expire(180_000);
        assertEquals(0, seen.size());
        assertTrue(seen.add(id(1), 180_000), "forgotten ids are new again");
    }

    @Test
    void forgetsTheOldestBeyondItsBound() {
        SeenCache seen = new SeenCache(Duration.ofSeconds(120), 100);
        for (int i = 0; i < 150; i++) {
            assertTrue(seen.add(id(i), i));
        }
        assertEquals(100, seen.size());
        for (int i = 0; i < 50; i++) {
            assertFalse(seen.contains(id(i)), "evicted " + i);
        }
        for (int i = 50; i < 150; i++) {
            assertTrue(seen.contains(id(i)), "kept " + i);
        }
    }

    @Test
    void growsWithABurstAndShrinksWhenEmpty() {
        SeenCache seen = new SeenCache(Duration.ofSeconds(1), 1_000_000);
        for (int i = 0; i < 10_000; i++) {
            seen.add(id(i), 0);
        }
        assertTrue(seen.capacity() >= 10_000);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.contains(id(i)));
        }
        seen.expire(1000);
        assertEquals(0, seen.size());
        assertEquals(64, seen.capacity(), "the burst's arrays were released");
    }

    /** Random adds, duplicates, expiry and eviction, against a model (a set and a FIFO). */
    @Test
    void agreesWithAModelUnderRandomTraffic() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            int max = 1 + random.nextInt(3000);
            long ttl = 1 + random.nextInt(500);
            SeenCache seen = new SeenCache(Duration.ofMillis(ttl), max);
            Predicate<MessageId> hint = seen.probablySeen();
            Set<Long> present = new HashSet<>();
            ArrayDeque<long[]> fifo = new ArrayDeque<>(); // {id, expiry}
            long now = 0;
            for (int op = 0; op < 20_000; op++) {
                now += random.nextInt(3);
                long n = random.nextInt(5000);
                if (random.nextInt(50) == 0) {
                    seen.expire(now);
                    while (!fifo.isEmpty() && fifo.peekFirst()[1] <= now) {
                        present.remove(fifo.pollFirst()[0]);
                    }
                }
                boolean isNew = !present.contains(n);
                assertEquals(isNew, seen.add(id(n), now), "add " + n);
                if (isNew) {
                    if (present.size() == max) {
                        present.remove(fifo.pollFirst()[0]);
                    }
                    present.add(n);
                    fifo.addLast(new long[] {n, now + ttl});
                }
                long probe = random.nextInt(5000);
                assertEquals(present.contains(probe), seen.contains(id(probe)), "contains " + probe);
                assertEquals(present.contains(probe), hint.test(id(probe)), "hint " + probe);
                assertEquals(present.size(), seen.size());
            }
        }
    }

    /** The hint is read by other threads while the router changes the cache: never an exception, never a hang. */
    @Test
    void theHintIsSafeToCallDuringChanges() throws Exception {
        SeenCache seen = new SeenCache(Duration.ofMillis(50), 20_000);
        Predicate<MessageId> hint = seen.probablySeen();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Random random = new Random(1);
            try {
                while (!stop.get()) {
                    hint.test(id(random.nextInt(100_000)));
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        long now = 0;
        for (int i = 0; i < 300_000; i++) {
            seen.add(id(i % 100_000), now);
            if (i % 1000 == 0) {
                now += 20;
                seen.expire(now);
            }
        }
        stop.set(true);
        reader.join(10_000);
        assertFalse(reader.isAlive());
        assertEquals(null, failure.get());
    }
}
