package io.meshwork.libp2p.holepunch.internal.autonat;

import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The AutoNAT server's rate limit: at most {@code global} requests per interval from everyone and {@code perPeer}
 * from one peer; the window restarts every interval. The per-peer table is bounded by {@code global} (a peer only
 * enters it with a granted request). Thread-safe.
 */
public final class Throttle {

    private final Clock clock;
    private final int global;
    private final int perPeer;
    private final long intervalMillis;
    private final Map<PeerId, Integer> peers = new HashMap<>();
    private long windowStart;
    private int total;

    public Throttle(Clock clock, int global, int perPeer, long intervalMillis) {
        this.clock = clock;
        this.global = global;
        this.perPeer = perPeer;
        this.intervalMillis = intervalMillis;
        this.windowStart = clock.millis();
    }

    /** Whether {@code peer} may have a dial-back now (and counts it if so). */
    public synchronized boolean tryAcquire(PeerId peer) {
        long now = clock.millis();
        if (now - windowStart >= intervalMillis) {
            windowStart = now;
            total = 0;
            peers.clear();
        }
        if (total >= global || peers.getOrDefault(peer, 0) >= perPeer) {
            return false;
        }
        total++;
        peers.merge(peer, 1, Integer::sum);
        return true;
    }
}
