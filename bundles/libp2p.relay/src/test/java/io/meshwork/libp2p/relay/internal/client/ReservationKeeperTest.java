package io.meshwork.libp2p.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reservation keeper in virtual time: a simulated relay that is up or down, and a clock we advance. */
class ReservationKeeperTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofHours(1);
    private static final ReservationKeeper.Settings DEFAULTS = new ReservationKeeper.Settings(
            Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(60));

    private final PeerId relay = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
    private final Multiaddr relayAddr = Multiaddr.parse("/ip4/198.51.100.1/tcp/4001/p2p/" + relay);

    /** Drives the keeper like the client does: at each wake, attempts succeed iff the relay is up. */
    private static final class Sim {
        final ReservationKeeper keeper;
        Instant now = T0;
        boolean relayUp = true;
        final List<Instant> attempts = new ArrayList<>();

        Sim(ReservationKeeper keeper) {
            this.keeper = keeper;
        }

        void runUntil(Instant end) {
            while (true) {
                Instant wake = keeper.nextWake().orElse(end.plusSeconds(1));
                if (wake.isAfter(end)) {
                    now = end;
                    return;
                }
                now = wake.isBefore(now) ? now : wake;
                for (Multiaddr a : keeper.due(now)) {
                    attempts.add(now);
                    PeerId id = a.peerId().orElseThrow();
                    if (relayUp) {
                        keeper.reserved(id, now, now.plus(TTL), List.of(a));
                    } else {
                        keeper.failed(id, now, "connection refused", false);
                    }
                }
            }
        }
    }

    private ReservationKeeper keeper(long seed) {
        return new ReservationKeeper(List.of(relayAddr), DEFAULTS, new Random(seed), T0);
    }

    @Test
    void reservesAtOnceAndRefreshesBeforeExpiry() {
        Sim sim = new Sim(keeper(1));
        sim.runUntil(T0.plus(Duration.ofHours(3)));
        assertEquals(T0, sim.attempts.get(0));
        for (int i = 1; i < sim.attempts.size(); i++) {
            Duration gap = Duration.between(sim.attempts.get(i - 1), sim.attempts.get(i));
            assertEquals(Duration.ofMinutes(45), gap, "refresh at three quarters of the lifetime");
        }
        assertEquals(List.of(Multiaddr.parse("/ip4/198.51.100.1/tcp/4001/p2p/" + relay + "/p2p-circuit")),
                sim.keeper.circuitAddresses(sim.now));
    }

    @Test
    void reReservesWithinFiveSecondsAfterARelayRestart() {
        for (long seed = 0; seed < 50; seed++) {
            Sim sim = new Sim(keeper(seed));
            sim.runUntil(T0.plusSeconds(10));
            Instant down = T0.plusSeconds(10);
            sim.relayUp = false;
            sim.keeper.disconnected(relay, down);
            assertTrue(sim.keeper.circuitAddresses(down).isEmpty(), "a lost relay's addresses are withdrawn");
            Instant up = down.plusSeconds(30 + seed % 7);
            sim.runUntil(up);
            sim.relayUp = true;
            int before = sim.attempts.size();
            sim.runUntil(up.plusSeconds(10));
            Instant reReserved = sim.attempts.get(before);
            assertTrue(!reReserved.isAfter(up.plusSeconds(4)), "seed " + seed + ": re-reserved at "
                    + Duration.between(up, reReserved) + " after the relay came back");
            assertEquals(1, sim.keeper.circuitAddresses(sim.now).size());
            long retries = sim.attempts.stream().filter(t -> t.isAfter(down) && t.isBefore(up)).count();
            assertTrue(retries <= 25, "backoff, not a tight loop: " + retries + " retries in ~30 s");
        }
    }

    @Test
    void jitterSpreadsTheReturnOfManyClients() {
        List<Instant> firstRetries = new ArrayList<>();
        for (long seed = 0; seed < 100; seed++) {
            ReservationKeeper k = keeper(seed * 0x9E3779B97F4A7C15L); // java.util.Random: spread the seeds
            k.due(T0);
            k.reserved(relay, T0, T0.plus(TTL), List.of());
            k.disconnected(relay, T0.plusSeconds(1));
            firstRetries.add(k.nextWake().orElseThrow());
        }
        long distinct = firstRetries.stream().distinct().count();
        assertTrue(distinct > 50, "retries are spread: " + distinct + " distinct instants of 100");
        assertTrue(firstRetries.stream().allMatch(t -> !t.isBefore(T0.plusMillis(1500))
                && t.isBefore(T0.plusSeconds(2))), "within [0.5, 1) x 1 s after the loss");
    }

    @Test
    void aRefusalBacksOffLongAndAFailedRefreshKeepsTheLiveReservation() {
        ReservationKeeper k = keeper(3);
        k.due(T0);
        k.failed(relay, T0, "RESERVATION_REFUSED: ...", true);
        Instant next = k.nextWake().orElseThrow();
        assertTrue(!next.isBefore(T0.plusSeconds(30)) && next.isBefore(T0.plusSeconds(60)), next.toString());
        assertEquals("RESERVATION_REFUSED: ...", k.status().get(0).lastError());

        k.due(next);
        k.reserved(relay, next, next.plus(TTL), List.of());
        Instant refresh = k.nextWake().orElseThrow();
        k.due(refresh);
        k.failed(relay, refresh, "timeout", false);
        assertEquals(1, k.circuitAddresses(refresh).size(), "still valid until it expires");
        assertEquals(ReservationKeeper.State.RESERVED, k.status().get(0).state());
    }
}
