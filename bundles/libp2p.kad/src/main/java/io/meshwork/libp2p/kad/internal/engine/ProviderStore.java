package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.peer.PeerId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider records: which peers announced which keys, each expiring after the provider TTL. Bounded in total
 * entries and per key (a new provider for a full key replaces the one that expires first). Not thread-safe.
 */
public final class ProviderStore {

    private final int maxTotal;
    private final int maxPerKey;
    private final long ttlMillis;
    private final Map<Bytes, LinkedHashMap<PeerId, Long>> providers = new HashMap<>();
    private int total;

    public ProviderStore(int maxTotal, int maxPerKey, long ttlMillis) {
        this.maxTotal = maxTotal;
        this.maxPerKey = maxPerKey;
        this.ttlMillis = ttlMillis;
    }

    /**
     * Records that {@code peer} provides {@code key} until now + TTL.
     *
     * @throws IllegalStateException if the store is full
     */
    public void add(byte[] key, PeerId peer, long now) {
        LinkedHashMap<PeerId, Long> forKey = providers.get(new Bytes(key));
        if (forKey != null && forKey.remove(peer) != null) {
            forKey.put(peer, now + ttlMillis);
            return;
        }
        if (total >= maxTotal) {
            expire(now);
            if (total >= maxTotal) {
                throw new IllegalStateException("provider store full: " + total + " records (limit " + maxTotal + ")");
            }
        }
        if (forKey == null) {
            forKey = new LinkedHashMap<>();
            providers.put(new Bytes(key.clone()), forKey);
        }
        if (forKey.size() >= maxPerKey) {
            Iterator<PeerId> oldest = forKey.keySet().iterator();
            oldest.next();
            oldest.remove();
            total--;
        }
        forKey.put(peer, now + ttlMillis);
        total++;
    }

    /** Unexpired providers of {@code key}, most recently announced last. */
    public List<PeerId> get(byte[] key, long now) {
        LinkedHashMap<PeerId, Long> forKey = providers.get(new Bytes(key));
        if (forKey == null) {
            return List.of();
        }
        return forKey.entrySet().stream().filter(e -> e.getValue() > now).map(Map.Entry::getKey).toList();
    }

    /** Drops expired records; returns how many. */
    public int expire(long now) {
        int n = 0;
        for (Iterator<LinkedHashMap<PeerId, Long>> it = providers.values().iterator(); it.hasNext();) {
            LinkedHashMap<PeerId, Long> forKey = it.next();
            int before = forKey.size();
            forKey.values().removeIf(expiry -> expiry <= now);
            n += before - forKey.size();
            if (forKey.isEmpty()) {
                it.remove();
            }
        }
        total -= n;
        return n;
    }

    public int size() {
        return total;
    }

}
