package io.meshwork.libp2p.holepunch.internal.autonat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.nat.Reachability;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage.Status;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoNatLogicTest {

    static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
    }

    @Test
    void dialBackOnlyToTheObservedIpAndNeverThroughARelay() {
        Multiaddr observed = Multiaddr.parse("/ip4/10.200.0.11/tcp/40123");
        List<Multiaddr> requested = List.of(
                Multiaddr.parse("/ip4/10.200.0.11/tcp/4001"),
                Multiaddr.parse("/ip4/192.168.1.2/tcp/4001"),          // a private address behind the NAT
                Multiaddr.parse("/ip4/1.2.3.4/tcp/80"),                // a third party
                Multiaddr.parse("/ip4/10.200.0.11/udp/4001/quic-v1"),  // not TCP
                Multiaddr.parse("/ip4/10.200.0.11/tcp/0"),
                Multiaddr.parse("/ip4/10.200.0.11/tcp/4002/p2p/" + peer()));
        assertEquals(List.of(Multiaddr.parse("/ip4/10.200.0.11/tcp/4001"),
                Multiaddr.parse("/ip4/10.200.0.11/tcp/4002")), DialBackPolicy.select(observed, requested));
        Multiaddr relayed = Multiaddr.parse("/ip4/10.200.0.10/tcp/4001/p2p/" + peer() + "/p2p-circuit");
        assertTrue(DialBackPolicy.select(relayed, requested).isEmpty(), "never over a relayed connection");
        List<Multiaddr> many = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            many.add(Multiaddr.parse("/ip4/10.200.0.11/tcp/" + i));
        }
        assertEquals(DialBackPolicy.MAX_DIALS, DialBackPolicy.select(observed, many).size());
    }

    static final class FakeClock extends Clock {
        long now;

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void throttleLimitsPerPeerAndGloballyPerInterval() {
        FakeClock clock = new FakeClock();
        Throttle t = new Throttle(clock, 5, 2, 60_000);
        PeerId a = peer();
        assertTrue(t.tryAcquire(a));
        assertTrue(t.tryAcquire(a));
        assertFalse(t.tryAcquire(a), "per peer");
        assertTrue(t.tryAcquire(peer()));
        assertTrue(t.tryAcquire(peer()));
        assertTrue(t.tryAcquire(peer()));
        assertFalse(t.tryAcquire(peer()), "global");
        clock.now += 60_000;
        assertTrue(t.tryAcquire(a), "a new interval");
    }

    @Test
    void reachabilityNeedsAgreeingAnswersAndIgnoresRefusals() {
        List<String> changes = new ArrayList<>();
        ReachabilityTracker t = new ReachabilityTracker(3, (b, a) -> changes.add(b + "->" + a));
        t.record(Status.OK);
        t.record(Status.OK);
        t.record(Status.E_DIAL_REFUSED);
        t.record(Status.E_INTERNAL_ERROR);
        assertEquals(Reachability.UNKNOWN, t.state());
        t.record(Status.OK);
        assertEquals(Reachability.PUBLIC, t.state());
        t.record(Status.E_DIAL_ERROR);
        t.record(Status.E_DIAL_ERROR);
        assertEquals(Reachability.PUBLIC, t.state(), "3 OK of the last 5 still");
        t.record(Status.E_DIAL_ERROR);
        assertEquals(Reachability.PRIVATE, t.state());
        assertEquals(List.of("UNKNOWN->PUBLIC", "PUBLIC->PRIVATE"), changes);
    }

    @Test
    void thresholdOneFollowsTheLastAnswer() {
        ReachabilityTracker t = new ReachabilityTracker(1, (b, a) -> { });
        t.record(Status.E_DIAL_ERROR);
        assertEquals(Reachability.PRIVATE, t.state());
        t.record(Status.OK);
        assertEquals(Reachability.PUBLIC, t.state());
    }
}
