package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Message ids seen recently: each is remembered for a time-to-live, at most {@code max} of them (the oldest are
 * forgotten first when full). Not thread-safe, except {@link #view()}: a concurrent copy of the ids that other
 * threads may read (the network layer skips verifying signatures of messages already seen).
 */
final class SeenCache {

    private final long ttlMillis;
    private final int max;
    /** Insertion order = expiry order, as every entry gets the same TTL. Value: expiry (clock millis). */
    private final LinkedHashMap<MessageId, Long> entries = new LinkedHashMap<>();
    private final Set<MessageId> view = ConcurrentHashMap.newKeySet();

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
        view.add(id);
        if (entries.size() > max) {
            Iterator<MessageId> it = entries.keySet().iterator();
            view.remove(it.next());
            it.remove();
        }
        return true;
    }

    boolean contains(MessageId id) {
        return entries.containsKey(id);
    }

    void expire(long nowMillis) {
        Iterator<Map.Entry<MessageId, Long>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<MessageId, Long> e = it.next();
            if (e.getValue() - nowMillis > 0) {
                break;
            }
            view.remove(e.getKey());
            it.remove();
        }
    }

    /** The ids currently remembered, readable from any thread (may lag the cache by an operation in progress). */
    Set<MessageId> view() {
        return Collections.unmodifiableSet(view);
    }

    int size() {
        return entries.size();
    }
}
