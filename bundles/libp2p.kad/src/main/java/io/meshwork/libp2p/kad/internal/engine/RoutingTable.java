package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.peer.PeerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Kademlia routing table: 256 buckets by common prefix length with this node's hashed key, at most k peers
 * each. Only peers known to run in server mode are added. A full bucket keeps its peers (long-lived peers are the
 * most reliable); a peer is removed when a request to it fails, which makes room. Not thread-safe: the engine's
 * thread only.
 */
public final class RoutingTable {

    /** One entry: the peer, its hashed key, when it was added and last answered. */
    public record Entry(PeerId peer, byte[] hash, long addedAt, long lastSeen) {
    }

    private final byte[] self;
    private final int k;
    private final List<List<Entry>> buckets = new ArrayList<>(Keys.BITS + 1);
    private final long[] lastRefreshed = new long[Keys.BITS + 1];
    private int size;

    public RoutingTable(PeerId self, int k) {
        this.self = Keys.hash(self.bytes());
        this.k = k;
        for (int i = 0; i <= Keys.BITS; i++) {
            buckets.add(new ArrayList<>());
        }
    }

    public int bucketIndex(byte[] hash) {
        return Math.min(Keys.commonPrefixLength(self, hash), Keys.BITS - 1);
    }

    /**
     * Adds {@code peer} or marks it seen. Returns false if its bucket is full (or it is this node).
     */
    public boolean add(PeerId peer, long now) {
        byte[] hash = Keys.hash(peer.bytes());
        if (Arrays.equals(hash, self)) {
            return false;
        }
        List<Entry> bucket = buckets.get(bucketIndex(hash));
        for (int i = 0; i < bucket.size(); i++) {
            Entry e = bucket.get(i);
            if (e.peer().equals(peer)) {
                bucket.set(i, new Entry(peer, e.hash(), e.addedAt(), now));
                return true;
            }
        }
        if (bucket.size() >= k) {
            return false;
        }
        bucket.add(new Entry(peer, hash, now, now));
        size++;
        return true;
    }

    public boolean remove(PeerId peer) {
        byte[] hash = Keys.hash(peer.bytes());
        boolean removed = buckets.get(bucketIndex(hash)).removeIf(e -> e.peer().equals(peer));
        if (removed) {
            size--;
        }
        return removed;
    }

    public boolean contains(PeerId peer) {
        byte[] hash = Keys.hash(peer.bytes());
        return buckets.get(bucketIndex(hash)).stream().anyMatch(e -> e.peer().equals(peer));
    }

    public int size() {
        return size;
    }

    /** Up to {@code count} peers nearest to {@code target} (a hash), nearest first. */
    public List<PeerId> closest(byte[] target, int count) {
        List<Entry> all = new ArrayList<>(size);
        buckets.forEach(all::addAll);
        Comparator<byte[]> order = Keys.byDistanceTo(target);
        all.sort((a, b) -> order.compare(a.hash(), b.hash()));
        return all.stream().limit(count).map(Entry::peer).toList();
    }

    /** Every entry, by bucket. */
    public List<List<Entry>> buckets() {
        return buckets.stream().map(List::copyOf).toList();
    }

    /** The highest index of a non-empty bucket, or -1 if the table is empty. */
    public int highestNonEmpty() {
        for (int i = Keys.BITS; i >= 0; i--) {
            if (!buckets.get(i).isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    public long lastRefreshed(int bucket) {
        return lastRefreshed[bucket];
    }

    public void refreshed(int bucket, long now) {
        lastRefreshed[bucket] = now;
    }
}
