package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Message ids seen recently: each is remembered for a time-to-live, at most {@code max} of them (the oldest are
 * forgotten first when full). Not thread-safe.
 */
final class SeenCache {

    private final long ttlMillis;
    private final int max;
    /** Insertion order = expiry order, as every entry gets the same TTL. Value: expiry (clock millis). */
    private final LinkedHashMap<MessageId, Long> entries = new LinkedHashMap<>();

    SeenCache(Duration ttl, int max) {
        this.ttlMillis = ttl.toMillis();
        this.max = max;
    }

    /** Adds {@code id}; returns false if it was already there (then its TTL is not extended). */
    boolean add(MessageId id, long nowMillis) {
        if (entries.containsKey(id)) {
            return false;
        }
        entries.put(id, nowMillis + ttlMillis);
        if (entries.size() > max) {
            Iterator<MessageId> it = entries.keySet().iterator();
            it.next();
            it.remove();
        }
        return true;
    }

    boolean contains(MessageId id) {
        return entries.containsKey(id);
    }

    void expire(long nowMillis) {
        Iterator<Map.Entry<MessageId, Long>> it = entries.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() - nowMillis <= 0) {
            it.remove();
        }
    }

    int size() {
        return entries.size();
    }
}
