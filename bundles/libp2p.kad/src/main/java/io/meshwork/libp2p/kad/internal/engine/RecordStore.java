package io.meshwork.libp2p.kad.internal.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Values this node stores for others, bounded by count and by total bytes (keys plus values); records older than
 * the maximum age are dropped. When full, new keys are refused (evicting would let anyone flush the store); a key
 * already stored may be updated if the bytes allow. Not thread-safe.
 */
public final class RecordStore {

    public record Stored(byte[] value, long receivedAt) {
    }

    private final int maxCount;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final Map<Bytes, Stored> records = new LinkedHashMap<>();
    private long bytes;

    public RecordStore(int maxCount, long maxBytes, long maxAgeMillis) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAgeMillis;
    }

    public @Nullable Stored get(byte[] key, long now) {
        Stored s = records.get(new Bytes(key));
        if (s != null && now - s.receivedAt() > maxAgeMillis) {
            remove(key);
            return null;
        }
        return s;
    }

    /**
     * Stores {@code value} under {@code key}, replacing what was there.
     *
     * @throws IllegalStateException if the store is full (saying which limit)
     */
    public void put(byte[] key, byte[] value, long now) {
        Bytes k = new Bytes(key.clone());
        Stored old = records.get(k);
        long delta = value.length + (old == null ? key.length : -old.value().length);
        if (old == null && records.size() >= maxCount) {
            throw new IllegalStateException("record store full: " + records.size() + " records (limit " + maxCount
                    + ")");
        }
        if (bytes + delta > maxBytes) {
            throw new IllegalStateException("record store full: " + bytes + " of " + maxBytes + " bytes used, "
                    + delta + " more needed");
        }
        records.put(k, new Stored(value.clone(), now));
        bytes += delta;
    }

    public void remove(byte[] key) {
        Stored old = records.remove(new Bytes(key));
        if (old != null) {
            bytes -= key.length + old.value().length;
        }
    }

    /** Drops expired records; returns how many. */
    public int expire(long now) {
        int n = 0;
        for (Iterator<Map.Entry<Bytes, Stored>> it = records.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Bytes, Stored> e = it.next();
            if (now - e.getValue().receivedAt() > maxAgeMillis) {
                bytes -= e.getKey().bytes().length + e.getValue().value().length;
                it.remove();
                n++;
            }
        }
        return n;
    }

    public int size() {
        return records.size();
    }

    public long bytes() {
        return bytes;
    }

}
