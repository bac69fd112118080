package io.meshwork.libp2p.mdns.internal;

import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials discovered peers with bounded concurrency and no dial storms: a peer already connected, being dialed or
 * waiting is skipped; at most {@code maxConcurrent} dials run at once and at most {@code maxQueued} wait (more are
 * dropped and counted); after a failed dial the peer is not dialed again for {@code retryAfterFailure}. Thread-safe.
 */
public final class PeerDialer {

    private static final Logger LOG = LoggerFactory.getLogger(PeerDialer.class);

    private final Predicate<PeerId> connected;
    private final Function<DiscoveredPeer, CompletionStage<?>> dial;
    private final int maxConcurrent;
    private final int maxQueued;
    private final Duration retryAfterFailure;
    private final Clock clock;
    private final Set<PeerId> inFlight = new HashSet<>();
    private final ArrayDeque<DiscoveredPeer> queue = new ArrayDeque<>();
    private final Map<PeerId, Instant> failed;
    private boolean closed;
    private long started;
    private long succeeded;
    private long failures;
    private long dropped;

    public PeerDialer(Predicate<PeerId> connected, Function<DiscoveredPeer, CompletionStage<?>> dial,
            int maxConcurrent, int maxQueued, Duration retryAfterFailure, int maxRemembered, Clock clock) {
        if (maxConcurrent < 1 || maxQueued < 0 || maxRemembered < 1) {
            throw new IllegalArgumentException("maxConcurrent and maxRemembered must be positive, maxQueued >= 0");
        }
        this.connected = connected;
        this.dial = dial;
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.retryAfterFailure = retryAfterFailure;
        this.clock = clock;
        this.failed = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, Instant> eldest) {
                return size() > maxRemembered;
            }
        };
    }

    /** Dials {@code peer} now, later (queued), or not at all (see the class comment). */
    public void offer(DiscoveredPeer peer) {
        DiscoveredPeer now;
        synchronized (this) {
            if (closed || inFlight.contains(peer.peer())
                    || queue.stream().anyMatch(q -> q.peer().equals(peer.peer()))) {
                return;
            }
            Instant failedAt = failed.get(peer.peer());
            if (failedAt != null && clock.instant().isBefore(failedAt.plus(retryAfterFailure))) {
                return;
            }
            if (inFlight.size() >= maxConcurrent) {
                if (queue.size() < maxQueued) {
                    queue.add(peer);
                } else {
                    dropped++;
                }
                return;
            }
            now = peer;
            inFlight.add(peer.peer());
        }
        begin(now);
    }

    private void begin(DiscoveredPeer peer) {
        if (connected.test(peer.peer())) {
            finish(peer, true, null);
            return;
        }
        synchronized (this) {
            started++;
        }
        CompletionStage<?> stage;
        try {
            stage = dial.apply(peer);
        } catch (RuntimeException e) {
            finish(peer, false, e);
            return;
        }
        stage.whenComplete((ok, error) -> finish(peer, error == null, error));
    }

    private void finish(DiscoveredPeer peer, boolean ok, @Nullable Throwable error) {
        DiscoveredPeer next = null;
        synchronized (this) {
            inFlight.remove(peer.peer());
            if (ok) {
                succeeded++;
                failed.remove(peer.peer());
            } else {
                failures++;
                failed.put(peer.peer(), clock.instant());
                LOG.debug("mDNS: dialing {} failed: {}", peer.peer(), error == null ? "?" : error.toString());
            }
            if (!closed && !queue.isEmpty()) {
                next = queue.poll();
                inFlight.add(next.peer());
            }
        }
        if (next != null) {
            begin(next);
        }
    }

    /** Drops the queue; dials in flight complete on their own. */
    public synchronized void close() {
        closed = true;
        queue.clear();
    }

    public synchronized Map<String, Long> stats() {
        return Map.of("dials_started", started, "dials_succeeded", succeeded, "dials_failed", failures,
                "dials_dropped", dropped, "dials_in_flight", (long) inFlight.size());
    }
}
