package io.meshwork.libp2p.holepunch.internal.dcutr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Both DCUtR roles against each other over a simulated relay, in virtual time. */
class DcutrStateMachineTest {

    static final List<Multiaddr> A_ADDRS = List.of(Multiaddr.parse("/ip4/10.200.0.11/tcp/4001"));
    static final List<Multiaddr> B_ADDRS = List.of(Multiaddr.parse("/ip4/10.200.0.12/tcp/4002"),
            Multiaddr.parse("/ip6/2001:db8::2/tcp/4002"));
    static final Settings SETTINGS = new Settings(3, 60_000, 10_000, true);

    final VirtualTime time = new VirtualTime();
    final List<Outcome> responderOutcomes = new ArrayList<>();
    final List<CompletableFuture<Outcome>> responderRuns = new ArrayList<>();

    /** B runs the initiator; every stream it opens is served by a fresh responder on A, counting attempts. */
    CompletionStage<Outcome> run(SimulatedNetwork net, Punch aPunch, Punch bPunch, Settings settings) {
        DcutrResponder responder = new DcutrResponder(aPunch, time, time, settings);
        int[] attempts = {0};
        DcutrInitiator initiator = new DcutrInitiator(() -> net.open(ch -> {
            attempts[0]++;
            responderRuns.add(responder.handle(ch, attempts[0]).toCompletableFuture()
                    .whenComplete((o, e) -> responderOutcomes.add(o)));
        }), bPunch, time, time, settings);
        return initiator.start();
    }

    @Test
    void connectSyncMeasuresRttAndBothSidesDialAtTheSameTime() {
        SimulatedNetwork net = new SimulatedNetwork(time, 40, 5);
        long start = time.now();
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), SETTINGS)
                .toCompletableFuture();
        time.advance(1_000);

        Outcome o = outcome.getNow(null);
        assertNotNull(o);
        assertTrue(o.success(), o.toString());
        assertEquals(1, o.attempts());
        // stream open (40) is not part of the RTT: CONNECT out and CONNECT back = 2 x 40 ms
        assertEquals(List.of(80L), o.rttsMillis());
        assertEquals(List.of(HolePunch.Type.CONNECT, HolePunch.Type.SYNC), net.sentByB);
        assertEquals(List.of(HolePunch.Type.CONNECT), net.sentByA);
        assertEquals(2, net.dials.size());
        SimulatedNetwork.Dial a = net.dials.stream().filter(d -> d.side().equals("A")).findFirst().orElseThrow();
        SimulatedNetwork.Dial b = net.dials.stream().filter(d -> d.side().equals("B")).findFirst().orElseThrow();
        // B sends SYNC at start + 40 (open) + 80 (RTT); A dials when SYNC arrives 40 ms later; B waits RTT/2 = 40.
        assertEquals(start + 160, a.at());
        assertEquals(start + 160, b.at());
        assertEquals(B_ADDRS, a.addresses(), "A dials what B announced");
        assertEquals(A_ADDRS, b.addresses(), "B dials what A announced");
        assertTrue(a.asClient(), "spec: A (dialed through the relay) is the client above TCP");
        assertFalse(b.asClient(), "spec: B (inbound side of the relayed connection) is the server");
        assertTrue(responderOutcomes.get(0).success());
        assertEquals(200, o.elapsedMillis(), "success one latency after both dials (at 160)");
    }

    @Test
    void rttFollowsTheRelayLatency() {
        SimulatedNetwork net = new SimulatedNetwork(time, 125, 5);
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), SETTINGS)
                .toCompletableFuture();
        time.advance(5_000);
        assertTrue(outcome.join().success());
        assertEquals(List.of(250L), outcome.join().rttsMillis());
        assertEquals(net.dials.get(0).at(), net.dials.get(1).at());
    }

    @Test
    void threeAttemptsWithFreshConnectAndSyncThenFailureLeavesTheRelayAlone() {
        SimulatedNetwork net = new SimulatedNetwork(time, 30, 5);
        net.natsAllowPunching = false; // symmetric NAT: the SYNs never meet
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), SETTINGS)
                .toCompletableFuture();
        time.advance(120_000);

        Outcome o = outcome.getNow(null);
        assertNotNull(o);
        assertFalse(o.success());
        assertEquals(3, o.attempts());
        assertEquals(3, net.streamsOpened, "one stream per attempt");
        assertEquals(List.of(60L, 60L, 60L), o.rttsMillis(), "a fresh RTT per attempt");
        assertEquals(List.of(HolePunch.Type.CONNECT, HolePunch.Type.SYNC, HolePunch.Type.CONNECT, HolePunch.Type.SYNC,
                HolePunch.Type.CONNECT, HolePunch.Type.SYNC), net.sentByB);
        assertEquals(6, net.dials.size());
        // per attempt: 30 open + 60 RTT + 30 wait + 10 s dial timeout
        assertEquals(3 * (30 + 60 + 30 + 10_000), o.elapsedMillis());
        assertNotNull(o.failure());
        assertEquals(3, responderOutcomes.size());
        responderOutcomes.forEach(r -> assertFalse(r.success()));
        assertFalse(net.direct);
    }

    @Test
    void rolesFollowTheSpecAndSwapOnTheThirdAttemptOnBothSides() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        net.natsAllowPunching = false;
        run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), SETTINGS);
        time.advance(60_000);
        List<Boolean> aRoles = net.dials.stream().filter(d -> d.side().equals("A")).map(d -> d.asClient()).toList();
        List<Boolean> bRoles = net.dials.stream().filter(d -> d.side().equals("B")).map(d -> d.asClient()).toList();
        assertEquals(List.of(true, true, false), aRoles);
        assertEquals(List.of(false, false, true), bRoles);
    }

    @Test
    void withoutRoleSwapBothSidesKeepSpecRolesOnEveryAttempt() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        net.natsAllowPunching = false;
        run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), new Settings(3, 60_000, 10_000, false));
        time.advance(60_000);
        assertEquals(List.of(true, true, true), net.dials.stream().filter(d -> d.side().equals("A"))
                .map(d -> d.asClient()).toList());
    }

    @Test
    void toleratesAPeerThatHasTheRolesSwapped() {
        // An old go-libp2p B acts as the client on every attempt: attempts 1 and 2 meet our A as client too and
        // fail; on attempt 3 our A switches to server and the punch succeeds.
        SimulatedNetwork net = new SimulatedNetwork(time, 20, 5);
        Punch honest = net.punch("B", B_ADDRS);
        Punch swapped = new Punch() {
            @Override
            public List<Multiaddr> ownAddresses() {
                return honest.ownAddresses();
            }

            @Override
            public CompletionStage<Boolean> dial(List<Multiaddr> addresses, boolean asClient) {
                return honest.dial(addresses, true);
            }

            @Override
            public boolean directConnected() {
                return honest.directConnected();
            }
        };
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), swapped, SETTINGS)
                .toCompletableFuture();
        time.advance(60_000);
        assertTrue(outcome.join().success());
        assertEquals(3, outcome.join().attempts());
        assertTrue(responderOutcomes.get(2).success());
    }

    @Test
    void silentResponderTimesOutEachAttempt() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        Settings s = new Settings(3, 5_000, 10_000, true);
        int[] opened = {0};
        DcutrInitiator initiator = new DcutrInitiator(() -> net.open(ch -> opened[0]++), net.punch("B", B_ADDRS),
                time, time, s);
        CompletableFuture<Outcome> outcome = initiator.start().toCompletableFuture();
        time.advance(100_000);
        Outcome o = outcome.join();
        assertFalse(o.success());
        assertEquals(3, o.attempts());
        assertEquals(3, opened[0]);
        assertEquals(3 * (10 + 5_000), o.elapsedMillis());
        assertTrue(o.failure().contains("waiting for CONNECT timed out"), o.failure());
        assertTrue(net.dials.isEmpty());
    }

    @Test
    void aPeerWithoutDcutrIsNotAskedAgain() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        int[] opens = {0};
        DcutrInitiator initiator = new DcutrInitiator(() -> {
            opens[0]++;
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no /libp2p/dcutr"));
        }, net.punch("B", B_ADDRS), time, time, SETTINGS);
        Outcome o = initiator.start().toCompletableFuture().join();
        assertFalse(o.success());
        assertEquals(1, opens[0]);
        assertEquals(1, o.attempts());
    }

    @Test
    void responderRejectsSyncFirstAndDoesNotDial() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        DcutrResponder responder = new DcutrResponder(net.punch("A", A_ADDRS), time, time, SETTINGS);
        SimulatedNetwork.End[] ends = new SimulatedNetwork.End[1];
        CompletableFuture<MessageChannel> b = net.open(ch -> ends[0] = (SimulatedNetwork.End) ch)
                .toCompletableFuture();
        time.advance(10);
        CompletableFuture<Outcome> o = responder.handle(ends[0], 1).toCompletableFuture();
        b.join().send(HolePunch.sync());
        time.advance(100);
        assertFalse(o.join().success());
        assertTrue(o.join().failure().contains("expected CONNECT"), o.join().failure());
        assertTrue(ends[0].reset);
        assertTrue(net.dials.isEmpty());
    }

    @Test
    void responderWithoutAddressesOfItsOwnResets() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", List.of()), net.punch("B", B_ADDRS), SETTINGS)
                .toCompletableFuture();
        time.advance(500_000);
        assertFalse(outcome.join().success());
        assertTrue(net.sentByA.isEmpty());
        assertTrue(net.dials.isEmpty());
    }

    @Test
    void initiatorWithoutObservedAddressesDoesNotStart() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        Outcome o = run(net, net.punch("A", A_ADDRS), net.punch("B", List.of()), SETTINGS).toCompletableFuture()
                .join();
        assertFalse(o.success());
        assertEquals(0, o.attempts());
        assertEquals(0, net.streamsOpened);
    }

    @Test
    void anExistingDirectConnectionMakesThePunchUnnecessary() {
        SimulatedNetwork net = new SimulatedNetwork(time, 10, 5);
        net.direct = true;
        Outcome o = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), SETTINGS).toCompletableFuture()
                .join();
        assertTrue(o.success());
        assertEquals(0, o.attempts());
        assertEquals(0, net.streamsOpened);
    }

    @Test
    void successOnTheSecondAttempt() {
        SimulatedNetwork net = new SimulatedNetwork(time, 15, 5);
        net.natsAllowPunching = false;
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), SETTINGS)
                .toCompletableFuture();
        time.advance(5_000); // first round dialed, waiting
        net.natsAllowPunching = true; // e.g. a NAT mapping expired that was in the way
        time.advance(60_000);
        assertTrue(outcome.join().success());
        assertEquals(2, outcome.join().attempts());
    }

    // ------------------------------------------------------------------ connection reversal (spec step 1)

    static final Settings REVERSAL = new Settings(3, 60_000, 10_000, true, 5_000);
    static final List<Multiaddr> A_PUBLIC = List.of(Multiaddr.parse("/ip4/203.0.113.7/tcp/4001"));

    @Test
    void connectionReversalToAReachableAGivesADirectConnectionWithoutAnyRound() {
        SimulatedNetwork net = new SimulatedNetwork(time, 40, 5);
        net.aPublic = A_PUBLIC;
        net.aDirectlyReachable = true;
        long start = time.now();
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), REVERSAL)
                .toCompletableFuture();
        time.advance(60_000);

        Outcome o = outcome.getNow(null);
        assertNotNull(o);
        assertTrue(o.success() && o.reversed(), o.toString());
        assertEquals(0, o.attempts());
        assertEquals(120, o.elapsedMillis(), "one direct dial (3 x 40 ms), no relay round trip");
        assertEquals(0, net.streamsOpened, "no DCUtR stream");
        assertEquals(1, net.dials.size());
        SimulatedNetwork.Dial d = net.dials.get(0);
        assertEquals("B", d.side());
        assertEquals(start, d.at(), "B dials at once");
        assertEquals(A_PUBLIC, d.addresses(), "B dials A's public addresses from identify");
        assertTrue(d.asClient(), "B dialed an ordinary connection: it is the client");
    }

    @Test
    void failedConnectionReversalIsCancelledAtItsTimeoutAndTheRoundsFollow() {
        SimulatedNetwork net = new SimulatedNetwork(time, 40, 5);
        net.aPublic = A_PUBLIC;
        net.aDirectlyReachable = false; // A is behind a NAT after all: the SYN is dropped
        long start = time.now();
        CompletableFuture<Outcome> outcome = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), REVERSAL)
                .toCompletableFuture();
        time.advance(4_999);
        assertEquals(0, net.streamsOpened, "the rounds wait for the reversal timeout");
        time.advance(60_000);

        Outcome o = outcome.getNow(null);
        assertNotNull(o);
        assertTrue(o.success() && !o.reversed(), o.toString());
        assertEquals(1, o.attempts());
        assertEquals(1, net.streamsOpened);
        assertTrue(net.reversalDials.get(0).isCancelled(), "the reversal dial was cancelled, freeing its 4-tuple");
        // then the round as without reversal, 5 s later: 40 open + 80 RTT + 40 SYNC / RTT/2
        List<SimulatedNetwork.Dial> punches = net.dials.subList(1, net.dials.size());
        assertEquals(2, punches.size());
        punches.forEach(p -> assertEquals(start + 5_000 + 160, p.at()));
        assertEquals(5_000 + 200, o.elapsedMillis());
    }

    @Test
    void withoutPublicAddressesOrWithReversalOffNoReversalDialIsMade() {
        SimulatedNetwork net = new SimulatedNetwork(time, 40, 5);
        CompletableFuture<Outcome> noAddresses = run(net, net.punch("A", A_ADDRS), net.punch("B", B_ADDRS), REVERSAL)
                .toCompletableFuture();
        time.advance(1_000);
        assertTrue(noAddresses.join().success());
        assertTrue(net.reversalDials.isEmpty());
        assertEquals(1, net.streamsOpened);

        SimulatedNetwork off = new SimulatedNetwork(time, 40, 5);
        off.aPublic = A_PUBLIC;
        off.aDirectlyReachable = true;
        CompletableFuture<Outcome> disabled = run(off, off.punch("A", A_ADDRS), off.punch("B", B_ADDRS), SETTINGS)
                .toCompletableFuture();
        time.advance(1_000);
        assertTrue(disabled.join().success() && !disabled.join().reversed());
        assertTrue(off.reversalDials.isEmpty(), "reversal timeout 0: off");
        assertEquals(1, off.streamsOpened);
    }
}
