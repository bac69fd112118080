package io.meshwork.libp2p.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PeerDialerTest {

    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    final Map<PeerId, CompletableFuture<Void>> dials = new LinkedHashMap<>();
    final List<PeerId> dialed = new ArrayList<>();
    final Set<PeerId> connected = new HashSet<>();

    PeerDialer dialer(int maxConcurrent, int maxQueued) {
        return new PeerDialer(connected::contains, p -> {
            dialed.add(p.peer());
            CompletableFuture<Void> f = new CompletableFuture<>();
            dials.put(p.peer(), f);
            return f;
        }, maxConcurrent, maxQueued, Duration.ofSeconds(60), 100, clock);
    }

    static DiscoveredPeer peer() {
        PeerId id = MdnsDiscoveryTest.newPeer();
        return new DiscoveredPeer(id, List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1")), "mdns", Duration.ofMinutes(2));
    }

    @Test
    void boundsConcurrencyAndTheQueue() {
        PeerDialer d = dialer(2, 1);
        List<DiscoveredPeer> peers = List.of(peer(), peer(), peer(), peer());
        peers.forEach(d::offer);
        assertEquals(2, dialed.size());
        assertEquals(1L, d.stats().get("dials_dropped"));
        dials.get(peers.get(0).peer()).complete(null);
        assertEquals(3, dialed.size());
        assertEquals(peers.get(2).peer(), dialed.get(2));
        dials.values().forEach(f -> f.complete(null));
        assertEquals(3L, d.stats().get("dials_succeeded"));
        assertEquals(0L, d.stats().get("dials_in_flight"));
    }

    @Test
    void noDuplicateDialsAndABackoffAfterFailure() {
        PeerDialer d = dialer(4, 4);
        DiscoveredPeer p = peer();
        d.offer(p);
        d.offer(p);
        assertEquals(1, dialed.size());
        dials.get(p.peer()).completeExceptionally(new RuntimeException("refused"));
        d.offer(p);
        assertEquals(1, dialed.size());
        now = now.plusSeconds(61);
        d.offer(p);
        assertEquals(2, dialed.size());
    }

    @Test
    void skipsConnectedPeersAndStopsWhenClosed() {
        PeerDialer d = dialer(1, 4);
        DiscoveredPeer a = peer();
        connected.add(a.peer());
        d.offer(a);
        assertEquals(0, dialed.size());
        DiscoveredPeer b = peer();
        d.offer(b);
        d.offer(peer());
        d.close();
        dials.get(b.peer()).complete(null);
        assertEquals(1, dialed.size());
        d.offer(peer());
        assertEquals(1, dialed.size());
    }
}
