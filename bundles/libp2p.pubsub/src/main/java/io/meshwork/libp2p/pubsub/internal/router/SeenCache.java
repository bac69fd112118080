package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Message ids seen recently: each is remembered for a time-to-live, at most {@code max} of them (the oldest are
 * forgotten first when full).
 *
 * <p>It remembers an id's 128-bit keyed fingerprint ({@link MessageId#fingerprintHigh()}), not the id, in primitive
 * arrays: a ring in arrival order (which is expiry order, as every id gets the same TTL) and an open-addressing index
 * into it. Two minutes of a busy topic are hundreds of thousands of ids; as objects (id, bytes, map entry, boxed
 * expiry) they were most of the heap the garbage collector traced and copied. The arrays grow by doubling up to the
 * bound and shrink back when the cache empties.
 *
 * <p>Not thread-safe, except {@link #probablySeen()}, which other threads may call while the owner changes the
 * cache: it may answer wrongly during a change (either way), so it may only serve as a hint, like skipping work the
 * owner redoes when the hint was wrong.
 */
final class SeenCache {

    private static final int MIN_CAPACITY = 64;
    /** Largest ring (its index is twice as long, which must stay a positive int). */
    private static final int MAX_CAPACITY = 1 << 29;

    private final long ttlMillis;
    private final int max;

    /** Ring of entries, {@code capacity} long: fingerprint halves and expiry (clock millis) per entry. */
    private long[] high;
    private long[] low;
    private long[] expiry;
    /** Index: ring slot + 1 per bucket, 0 = empty; twice the ring's capacity (load ≤ ½). */
    private int[] index;
    private int head;
    private int size;

    SeenCache(Duration ttl, int max) {
        this.ttlMillis = ttl.toMillis();
        this.max = max;
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        expiry = new long[capacity];
        index = new int[capacity * 2];
        head = 0;
        size = 0;
    }

    /** Adds {@code id}; returns false if it was already there (then its TTL is not extended). */
    boolean add(MessageId id, long nowMillis) {
        long h = id.fingerprintHigh();
        long l = id.fingerprintLow();
        if (find(h, l) >= 0) {
            return false;
        }
        if (size >= max) {
            removeOldest();
        }
        if (size == high.length) {
            if (high.length < MAX_CAPACITY) {
                resize(high.length * 2);
            } else {
                removeOldest();
            }
        }
        int slot = (head + size) & (high.length - 1);
        high[slot] = h;
        low[slot] = l;
        expiry[slot] = nowMillis + ttlMillis;
        insert(index, l, slot);
        size++;
        return true;
    }

    boolean contains(MessageId id) {
        return find(id.fingerprintHigh(), id.fingerprintLow()) >= 0;
    }

    void expire(long nowMillis) {
        while (size > 0 && expiry[head] - nowMillis <= 0) {
            removeOldest();
        }
        if (size == 0 && high.length > MIN_CAPACITY) {
            allocate(MIN_CAPACITY); // a burst's arrays are not kept for ever
        }
    }

    /**
     * A check other threads may call at any time: true if the id was probably seen. Reads the arrays unsynchronized,
     * so during a concurrent change it may answer either way; callers use it only to skip work that is redone when
     * the answer was wrong.
     */
    Predicate<MessageId> probablySeen() {
        return id -> {
            // one set of arrays; a resize replaces them, and a stale set answers for the old contents
            long[] hs = high;
            long[] ls = low;
            int[] idx = index;
            if (idx.length != hs.length * 2 || ls.length != hs.length) {
                return false; // caught between the assignments of a resize
            }
            return find(idx, hs, ls, id.fingerprintHigh(), id.fingerprintLow()) >= 0;
        };
    }

    int size() {
        return size;
    }

    /** The ring slots the index can hold now (for tests). */
    int capacity() {
        return high.length;
    }

    private static int bucket(long fingerprintLow, int mask) {
        return (int) (fingerprintLow ^ fingerprintLow >>> 32) & mask;
    }

    /** The index bucket holding the entry, or −1. */
    private int find(long h, long l) {
        return find(index, high, low, h, l);
    }

    /**
     * The bucket of {@code idx} holding the entry, or −1. Safe on arrays another thread is changing: probes at most
     * the index's length and ignores slots outside the ring.
     */
    private static int find(int[] idx, long[] hs, long[] ls, long h, long l) {
        int mask = idx.length - 1;
        int b = bucket(l, mask);
        for (int probes = 0; probes < idx.length; probes++) {
            int entry = idx[b];
            if (entry == 0) {
                return -1;
            }
            int slot = entry - 1;
            if (slot < hs.length && hs[slot] == h && ls[slot] == l) {
                return b;
            }
            b = (b + 1) & mask;
        }
        return -1;
    }

    /** Puts ring {@code slot} into the first free bucket of its probe run. */
    private static void insert(int[] idx, long fingerprintLow, int slot) {
        int mask = idx.length - 1;
        int b = bucket(fingerprintLow, mask);
        while (idx[b] != 0) {
            b = (b + 1) & mask;
        }
        idx[b] = slot + 1;
    }

    private void removeOldest() {
        int b = find(high[head], low[head]);
        deleteBucket(b);
        head = (head + 1) & (high.length - 1);
        size--;
    }

    /** Linear-probing deletion without tombstones: later entries of the probe run move back into the gap. */
    private void deleteBucket(int gap) {
        int mask = index.length - 1;
        int b = gap;
        while (true) {
            b = (b + 1) & mask;
            int entry = index[b];
            if (entry == 0) {
                break;
            }
            int home = bucket(low[entry - 1], mask);
            // the entry may fill the gap if its home is not cyclically within (gap, b]
            boolean homeAfterGap = gap <= b ? home > gap && home <= b : home > gap || home <= b;
            if (!homeAfterGap) {
                index[gap] = entry;
                gap = b;
            }
        }
        index[gap] = 0;
    }

    private void resize(int capacity) {
        long[] hs = high;
        long[] ls = low;
        long[] es = expiry;
        int oldHead = head;
        int count = size;
        int oldMask = hs.length - 1;
        long[] nh = new long[capacity];
        long[] nl = new long[capacity];
        long[] ne = new long[capacity];
        int[] ni = new int[capacity * 2];
        for (int i = 0; i < count; i++) {
            int from = (oldHead + i) & oldMask;
            nh[i] = hs[from];
            nl[i] = ls[from];
            ne[i] = es[from];
            insert(ni, nl[i], i);
        }
        high = nh;
        low = nl;
        expiry = ne;
        index = ni;
        head = 0;
    }
}
