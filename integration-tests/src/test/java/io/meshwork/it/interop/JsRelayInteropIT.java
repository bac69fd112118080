package io.meshwork.it.interop;

import static io.meshwork.testing.TestProtocols.ECHO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.benchmarks.system.NodeProcess;
import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.relay.internal.client.ClientConfig;
import io.meshwork.libp2p.relay.internal.client.RelayClient;
import io.meshwork.libp2p.relay.internal.hop.HopConfig;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.hop.ReservationTable;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.testing.TestNode;
import io.meshwork.testing.TestProtocols;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Live Circuit Relay v2 interop with js-libp2p ({@code @libp2p/circuit-relay-v2}) over loopback: js clients through
 * Meshwork's hop server, Meshwork clients ({@link RelayClient}) through js's relay server, mixed pairs, and the
 * {@code NO_RESERVATION} refusal from both relays. The js peers are {@code interop-js/node-peer.mjs} started with
 * {@code --relay-server} or {@code --relay-client} (see its README.md). Every circuit is a limited connection (both
 * relays apply limits), so both sides run ping and the echo test protocol on limited connections.
 * Skipped when {@code node} is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JsRelayInteropIT {

    private static final Duration CALL = Duration.ofSeconds(30);
    /** Below the js relay's default data limit (128 KiB per direction), with room for the Noise/yamux overhead. */
    private static final int ECHO_BYTES = 20_000;
    /** Through our relay (64 MiB per direction by default). */
    private static final int BIG_ECHO_BYTES = 2_000_000;

    private Path dir;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final SecureRandom random = new SecureRandom();
    /** What the running test started, closed in reverse order after it. */
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<NodeProcess> jsNodes = new ArrayList<>();

    @BeforeAll
    void prepare() throws Exception {
        if (!InteropEnvironment.commandWorks("node", "--version")) {
            System.out.println("[interop] SKIPPED JsRelayInteropIT: node not found: js-libp2p interop skipped");
            Assumptions.abort("node not found: js-libp2p interop skipped");
        }
        dir = InteropEnvironment.interopDir();
        InteropEnvironment.installDependencies(dir);
    }

    @AfterEach
    void closeAll() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.out.println("[interop] closing " + open.get(i) + " failed: " + e);
            }
        }
        open.clear();
        jsNodes.clear();
    }

    @AfterAll
    void stopTimer() {
        timer.shutdownNow();
    }

    // ------------------------------------------------------------------ a. js clients through our relay

    @Test
    void jsClientsPingAndEchoThroughJavaRelay() {
        JavaRelay relay = new JavaRelay();
        Js a = startJs("js-a", "--relay-client");
        Js b = startJs("js-b", "--relay-client");
        String aCircuit = a.reserve(relay.address());
        b.reserve(relay.address());
        waitFor(() -> relay.hasReservation(a.peer) && relay.hasReservation(b.peer), 10,
                () -> "Java relay lists reservations of both js clients: " + relay.hop.reservations());
        assertTrue(aCircuit.startsWith(relay.address().toString() + "/p2p-circuit/p2p/" + a.peer), aCircuit);

        Map<String, Object> conn = b.dialCircuit(aCircuit);
        assertEquals(true, conn.get("limited"), () -> "js sees the circuit through our relay as limited: " + conn);
        assertTrue(String.valueOf(conn.get("remoteAddr")).contains("/p2p-circuit"), conn::toString);

        System.out.printf("[interop] js→js through our relay: %s%n", conn);

        b.ping(a.peer);
        b.echo(a.peer, ECHO_BYTES);
        // the other way, over the connection b opened
        a.ping(b.peer);
        a.echo(b.peer, ECHO_BYTES);
        // well beyond a yamux window (256 KiB) each way: backpressure through our splice
        b.echo(a.peer, BIG_ECHO_BYTES);
        waitFor(() -> relay.hop.circuits().size() == 1, 5, () -> "one circuit on the Java relay: " + relay.hop.circuits());
    }

    // ------------------------------------------------------------------ b. Java clients through a js relay

    @Test
    void javaClientsPingAndEchoThroughJsRelay() throws Exception {
        Js relay = startJs("js-relay", "--relay-server");
        JavaClient a = new JavaClient("java-a", relay.address.toString());
        JavaClient b = new JavaClient("java-b", relay.address.toString());
        a.awaitReservation();
        b.awaitReservation();
        waitFor(() -> relay.reservations().containsAll(List.of(a.peerId().toString(), b.peerId().toString())), 10,
                () -> "js relay lists reservations of both Java clients: " + relay.reservations());

        Connection conn = await(b.node.host.connect(a.circuitAddress()), "java-b dialing java-a through js relay at "
                + a.circuitAddress());
        assertTrue(conn.isLimited(), "js relays with its default limits: the connection is limited");
        assertTrue(conn.remoteAddress().has(Protocol.P2P_CIRCUIT), conn.remoteAddress().toString());
        Connection back = awaitConnection(a, b.peerId());

        ping(conn, "java-b → java-a");
        echo(conn, "java-b → java-a");
        ping(back, "java-a → java-b");
        echo(back, "java-a → java-b");
    }

    // ------------------------------------------------------------------ c. NO_RESERVATION

    @Test
    void javaDialingJsWithoutReservationThroughJavaRelayGetsNoReservation() {
        JavaRelay relay = new JavaRelay();
        Js target = startJs("js-target");
        JavaClient dialer = new JavaClient("java-dialer");
        assertNoReservation(dialer, circuit(relay.address(), target.peer), "our relay");
    }

    @Test
    void javaDialingJsWithoutReservationThroughJsRelayGetsNoReservation() {
        Js relay = startJs("js-relay", "--relay-server");
        Js target = startJs("js-target", "--relay-client");
        JavaClient dialer = new JavaClient("java-dialer");
        assertNoReservation(dialer, circuit(relay.address, target.peer), "the js relay");
    }

    private void assertNoReservation(JavaClient dialer, Multiaddr address, String relay) {
        Throwable failure = null;
        try {
            Connection c = dialer.node.host.connect(address).toCompletableFuture().get(30, TimeUnit.SECONDS);
            fail("dialing " + address + " through " + relay + " succeeded although the target has no reservation: "
                    + c + "\n" + tails());
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (TimeoutException e) {
            fail("dialing " + address + " through " + relay + " neither failed nor succeeded within 30 s\n" + tails());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t).append(" | ");
        }
        assertTrue(messages.toString().contains("NO_RESERVATION"),
                "the error names NO_RESERVATION: " + messages + "\n" + tails());
        System.out.printf("[interop] dial through %s to a peer without reservation: %s%n", relay, failure);
    }

    // ------------------------------------------------------------------ d. js ↔ Java through our relay

    @Test
    void jsAndJavaClientsReachEachOtherThroughJavaRelay() throws Exception {
        JavaRelay relay = new JavaRelay();
        Js js = startJs("js", "--relay-client");
        String jsCircuit = js.reserve(relay.address());
        JavaClient dialer = new JavaClient("java-dialer", relay.address().toString());
        JavaClient listener = new JavaClient("java-listener", relay.address().toString());
        dialer.awaitReservation();
        listener.awaitReservation();

        // Java dials js
        Connection conn = await(dialer.node.host.connect(Multiaddr.parse(jsCircuit)),
                "java-dialer dialing js through our relay at " + jsCircuit);
        assertTrue(conn.isLimited(), "relayed with our default limits: the connection is limited");
        ping(conn, "java-dialer → js");
        echo(conn, "java-dialer → js");
        js.ping(dialer.peerId());
        js.echo(dialer.peerId(), ECHO_BYTES);

        // js dials Java
        Map<String, Object> c = js.dialCircuit(listener.circuitAddress().toString());
        assertEquals(true, c.get("limited"), () -> "js sees the circuit to java-listener as limited: " + c);
        // identify runs over the limited connection and tells js our circuit address
        Map<String, Object> info = js.call("peerInfo", Map.of("peer", listener.peerId().toString()), CALL);
        String listenAddrs = String.valueOf(((Map<?, ?>) info.get("identify")).get("listenAddrs"));
        assertTrue(listenAddrs.contains(listener.relay.circuitAddresses().get(0).toString()),
                () -> "js learned java-listener's circuit address by identify: " + info);
        js.ping(listener.peerId());
        js.echo(listener.peerId(), ECHO_BYTES);
        Connection back = awaitConnection(listener, js.peer);
        ping(back, "java-listener → js");
        echo(back, "java-listener → js");

        // js's connection monitor pings every connection every 10 s, relayed ones too, and closes it when the ping
        // fails: both circuits must outlive that
        Thread.sleep(12_000);
        assertTrue(conn.isOpen() && back.isOpen(), "the circuits outlive js's connection monitor ping\n" + tails());
        echo(conn, "java-dialer → js after 12 s");
        js.echo(listener.peerId(), ECHO_BYTES);
    }

    @Test
    void jsLearnsAJavaPeersCircuitAddressByIdentifyPushWhenItReserves() throws Exception {
        // a's relay is not up yet when js connects to a (directly) and identifies it
        JavaRelay down = new JavaRelay();
        HostIdentity relayId = down.node.identity;
        Multiaddr relayAddr = down.address();
        down.close();
        open.remove(down);
        JavaClient a = new JavaClient("java-a", relayAddr.toString());
        Js js = startJs("js", "--identify-push");
        Map<String, Object> first = js.call("dial", Map.of("addr", a.node.address().toString()), CALL);
        assertFalse(String.valueOf(first.get("peerStore")).contains("/p2p-circuit"),
                () -> "no circuit address yet: " + first);

        new JavaRelay(relayId, relayAddr.withoutPeerId().toString(), Map.of());
        a.awaitReservation();
        String circuit = a.relay.circuitAddresses().get(0).toString();
        Map<?, ?>[] last = new Map<?, ?>[1];
        waitFor(() -> {
            Map<String, Object> info = js.call("peerInfo", Map.of("peer", a.peerId().toString()), CALL);
            last[0] = info;
            return ((List<?>) ((Map<?, ?>) info.get("peerStore")).get("addresses")).stream()
                    .map(x -> (Map<?, ?>) x)
                    .anyMatch(x -> String.valueOf(x.get("addr")).startsWith(circuit)
                            && Boolean.TRUE.equals(x.get("certified")));
        }, 10, () -> "js's peer store has java-a's circuit address " + circuit + ", certified by the signed peer"
                + " record of a push: " + last[0]);
        System.out.printf("[interop] js learned %s by identify push: %s%n", circuit, last[0]);
    }

    @Test
    void jsAndJavaClientsReachEachOtherThroughJsRelay() throws Exception {
        Js relay = startJs("js-relay", "--relay-server");
        Js js = startJs("js", "--relay-client");
        String jsCircuit = js.reserve(relay.address);
        JavaClient java = new JavaClient("java", relay.address.toString());
        java.awaitReservation();

        Connection conn = await(java.node.host.connect(Multiaddr.parse(jsCircuit)),
                "java dialing js through the js relay at " + jsCircuit);
        assertTrue(conn.isLimited(), "js relays with limits");
        ping(conn, "java → js");
        echo(conn, "java → js");
        js.ping(java.peerId());
        js.echo(java.peerId(), ECHO_BYTES);
        conn.close();
        waitFor(() -> !js.call("conns", Map.of("peer", java.peerId().toString()), CALL).get("connections")
                .toString().contains("p2p-circuit"), 10, () -> "js sees the circuit java closed go");

        Map<String, Object> c = js.dialCircuit(java.circuitAddress().toString());
        assertEquals(true, c.get("limited"), () -> "js sees its circuit to java as limited: " + c);
        js.ping(java.peerId());
        js.echo(java.peerId(), ECHO_BYTES);
        Connection back = awaitConnection(java, js.peer);
        echo(back, "java → js over the circuit js opened");
    }

    // ------------------------------------------------------------------ reservation refresh

    @Test
    void jsClientRefreshesItsReservationOnJavaRelay() throws Exception {
        // js refreshes max(5 min before expiry, 30 s after reserving): with a 40 s TTL after 30 s
        JavaRelay relay = new JavaRelay(Map.of("reservation_ttl_s", 40L));
        Js a = startJs("js-a", "--relay-client");
        Js b = startJs("js-b", "--relay-client");
        String aCircuit = a.reserve(relay.address());
        java.time.Instant first = relay.expiry(a.peer);
        waitFor(() -> relay.expiry(a.peer).isAfter(first), 45,
                () -> "js-a refreshes its reservation (first expiry " + first + "): " + relay.hop.reservations());
        long wait = java.time.Duration.between(java.time.Instant.now(), first).toMillis() + 1000;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        b.reserve(relay.address());
        Map<String, Object> conn = b.dialCircuit(aCircuit);
        assertEquals(true, conn.get("limited"), conn::toString);
        b.echo(a.peer, ECHO_BYTES);
    }

    @Test
    void javaClientKeepsItsReservationOnJsRelayAcrossRefreshes() throws Exception {
        // js's relay drops a reservation 6 s after it was made or refreshed; ours refreshes at three quarters of the
        // remaining lifetime. js-libp2p 4.2.13 also drops a reservation one TTL after its FIRST refresh, whatever
        // later refreshes do (retimeable-signal 1.0.1's reset() keeps the first reset's timer): our next refresh
        // then makes a new one. So: held past the first TTL, back after every drop, and circuits work at the end.
        Js relay = startJsScript("js-relay", "relay-server.mjs", "--max-reservations", "100", "--reservation-ttl-ms", "6000");
        JavaClient a = new JavaClient("java-a", relay.address.toString());
        a.awaitReservation();
        long t0 = System.nanoTime();
        java.time.Instant firstExpiry = a.relay.reservations().get(0).expires();
        assertNotNull(firstExpiry, () -> "the reservation has an expiry: " + a.relay.reservations());
        String me = a.peerId().toString();
        int held = 0;
        int samples = 0;
        long longestGapMs = 0;
        long gapStart = -1;
        boolean heldPastFirstTtl = false;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(24)) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            boolean has = relay.reservations().contains(me);
            samples++;
            if (has) {
                held++;
                if (gapStart >= 0) {
                    longestGapMs = Math.max(longestGapMs, ms - gapStart);
                    gapStart = -1;
                }
                heldPastFirstTtl |= ms > 7000;
            } else if (gapStart < 0) {
                gapStart = ms;
            }
            assertFalse(a.relay.circuitAddresses().isEmpty(), () -> "java-a keeps its circuit address: "
                    + a.relay.reservations());
            Thread.sleep(250);
        }
        assertTrue(heldPastFirstTtl, "java-a's refresh kept the reservation past js's 6 s TTL\n" + tails());
        waitFor(() -> relay.reservations().contains(me), 8, () -> "js relay holds java-a's reservation again");
        java.time.Instant lastExpiry = a.relay.reservations().get(0).expires();
        assertNotNull(lastExpiry);
        assertTrue(lastExpiry.isAfter(firstExpiry.plusSeconds(15)), () -> "refreshed again and again, expiry moved"
                + " on from " + firstExpiry + " to " + lastExpiry);
        System.out.printf("[interop] java-a's reservation on js's relay (TTL 6 s): held in %d of %d samples over"
                + " 24 s, longest gap %d ms (js drops it one TTL after its first refresh); expiry %s -> %s%n", held,
                samples, longestGapMs, firstExpiry, lastExpiry);

        JavaClient b = new JavaClient("java-b");
        // dial right after one of java-a's refreshes: js's next drop is then at least 4.5 s away (it comes one TTL
        // after a reservation's first refresh), so it cannot cut the circuit while java-b negotiates over it
        Supplier<java.time.Instant> expiry = () -> a.relay.reservations().stream().findFirst()
                .map(r -> r.expires()).orElse(null);
        java.time.Instant seen = expiry.get();
        waitFor(() -> expiry.get() != null && !expiry.get().equals(seen) && relay.reservations().contains(me), 10,
                () -> "java-a refreshes its reservation and js holds it");
        Connection conn;
        try {
            conn = b.node.host.connect(a.circuitAddress()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // js may have dropped it (its bug) between the check and the dial: once more when it is back
            assertTrue(String.valueOf(e.getCause()).contains("NO_RESERVATION"), () -> "dial failed: " + e.getCause());
            waitFor(() -> relay.reservations().contains(me), 8, () -> "js relay holds java-a's reservation again");
            conn = await(b.node.host.connect(a.circuitAddress()), "java-b dialing java-a through js relay again");
        }
        echo(conn, "java-b → java-a after the refreshes");
    }

    // ------------------------------------------------------------------ js relay's data limit

    @Test
    void jsRelayDataLimitEndsTheCircuitAndJavaRedials() throws Exception {
        Js relay = startJs("js-relay", "--relay-server");
        JavaClient a = new JavaClient("java-a", relay.address.toString());
        JavaClient b = new JavaClient("java-b", relay.address.toString());
        a.awaitReservation();
        b.awaitReservation();
        Connection conn = await(b.node.host.connect(a.circuitAddress()), "java-b dialing java-a through js relay");
        // js relays 128 KiB per direction by default, then resets both streams of the circuit
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        Stream s = await(conn.newStream(List.of(ECHO)), "opening an echo stream");
        TestProtocols.Collector c = new TestProtocols.Collector();
        s.setReader(c);
        try {
            TestProtocols.writeAll(s, data, 4096);
            s.closeWrite();
        } catch (Exception expected) {
            // the circuit may already be gone while we write
        }
        try {
            byte[] got = c.done.get(30, TimeUnit.SECONDS);
            fail("300 kB echoed through js's relay despite its 128 KiB limit: got " + got.length + " bytes");
        } catch (ExecutionException expected) {
            System.out.printf("[interop] over js's data limit: %s%n", expected.getCause());
            StringBuilder messages = new StringBuilder();
            for (Throwable t = expected.getCause(); t != null; t = t.getCause()) {
                messages.append(t).append(" | ");
            }
            assertTrue(messages.toString().contains("circuit via relay " + relay.peer + " was reset"),
                    "the failure names the relay that reset the circuit: " + messages);
        } catch (TimeoutException e) {
            fail("the echo over js's data limit neither ended nor failed within 30 s\n" + tails());
        }
        waitFor(() -> !conn.isOpen(), 10, () -> "java-b notices the circuit reset by js's relay");
        // a new circuit works
        Connection again = await(b.node.host.connect(a.circuitAddress()), "java-b dialing java-a again");
        assertTrue(again != conn && again.isOpen(), "a new connection");
        echo(again, "java-b → java-a on a new circuit");
    }

    // ------------------------------------------------------------------ Java side

    /** Meshwork's hop server on a {@link TestNode}, private (loopback) addresses allowed, default limits. */
    private final class JavaRelay implements AutoCloseable {
        final TestNode node;
        final HopServer hop;

        JavaRelay() {
            this(Map.of());
        }

        /** {@code config}: HopConfig values beyond enabled and allow_private_addresses. */
        JavaRelay(Map<String, Object> config) {
            this(TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", config);
        }

        /** With a given identity and listen address, e.g. to start a relay again in place. */
        JavaRelay(HostIdentity identity, String listen, Map<String, Object> config) {
            node = TestNode.create("java-relay", identity, listen);
            Map<String, Object> cfg = new java.util.HashMap<>(Map.of("enabled", true, "allow_private_addresses", true));
            cfg.putAll(config);
            hop = new HopServer(node.host, node.identity, BenchAccess.config(HopConfig.class, cfg), Clock.systemUTC(),
                    timer);
            node.addHandler(hop, true, RelayCodec.HOP).addConnectionListener(hop).listen();
            open.add(this);
        }

        Multiaddr address() {
            return node.address();
        }

        boolean hasReservation(PeerId peer) {
            return hop.reservations().stream().anyMatch(e -> e.peer().equals(peer));
        }

        /** The latest expiry among {@code peer}'s reservations; fails if it has none. */
        java.time.Instant expiry(PeerId peer) {
            return hop.reservations().stream().filter(e -> e.peer().equals(peer))
                    .map(ReservationTable.Entry::expires).max(java.time.Instant::compareTo)
                    .orElseThrow(() -> new AssertionError("no reservation of " + peer + " on the Java relay: "
                            + hop.reservations() + "\n" + tails()));
        }

        @Override
        public void close() {
            hop.close();
            node.close();
        }

        @Override
        public String toString() {
            return node.toString();
        }
    }

    /**
     * A Meshwork relay client: TCP on loopback plus the circuit transport, listening on {@code /p2p-circuit},
     * reserving on {@code relays}; serves ping and echo on limited connections.
     */
    private final class JavaClient implements AutoCloseable {
        final TestNode node;
        final RelayClient relay;

        JavaClient(String name, String... relays) {
            node = TestNode.create(name, TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", "/p2p-circuit");
            node.addHandler(TestProtocols.echo(), true, ECHO).listen();
            relay = new RelayClient(node.host, BenchAccess.config(ClientConfig.class, Map.of("relays", relays)),
                    Clock.systemUTC(), timer, random);
            node.addHandler(relay.stopHandler, false, RelayCodec.STOP).addConnectionListener(relay.connectionListener)
                    .addTransport(relay, "p2p-circuit");
            open.add(this);
        }

        PeerId peerId() {
            return node.peerId();
        }

        void awaitReservation() {
            waitFor(() -> !relay.circuitAddresses().isEmpty(), 15,
                    () -> node.name + " has a reservation (reservations: " + relay.reservations() + ")");
        }

        Multiaddr circuitAddress() {
            return relay.circuitAddresses().get(0).withPeerId(node.peerId());
        }

        @Override
        public void close() {
            relay.close();
            node.close();
        }

        @Override
        public String toString() {
            return node.toString();
        }
    }

    private Connection awaitConnection(JavaClient client, PeerId remote) {
        waitFor(() -> client.node.host.connections(remote).stream().anyMatch(Connection::isLimited), 10,
                () -> client.node.name + " has the relayed connection from " + remote);
        return client.node.host.connections(remote).stream().filter(Connection::isLimited).findFirst().orElseThrow();
    }

    private void ping(Connection conn, String what) {
        Stream s = await(conn.newStream(List.of(Ping.PROTOCOL)), what + ": opening a ping stream");
        Ping p = new Ping(s, random);
        try {
            for (int i = 0; i < 3; i++) {
                Duration rtt = await(p.ping(), what + ": ping " + i);
                assertFalse(rtt.isNegative(), rtt::toString);
            }
        } finally {
            p.close();
        }
    }

    private void echo(Connection conn, String what) throws Exception {
        byte[] data = new byte[ECHO_BYTES];
        random.nextBytes(data);
        Stream s = await(conn.newStream(List.of(ECHO)), what + ": opening an echo stream");
        TestProtocols.Collector c = new TestProtocols.Collector();
        s.setReader(c);
        TestProtocols.writeAll(s, data, 4096);
        await(s.closeWrite(), what + ": half-closing the echo stream");
        assertArrayEquals(data, await(c.done, what + ": echo of " + data.length + " bytes"),
                () -> what + ": echo returned other bytes\n" + tails());
    }

    // ------------------------------------------------------------------ js side

    /** {@code process.call}, failing with every js node's output tail, not only that process's. */
    private Map<String, Object> call(NodeProcess process, String cmd, Map<String, Object> args, Duration timeout) {
        try {
            return process.call(cmd, args, timeout);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + tails(), e);
        }
    }

    /** A node-peer.mjs process. */
    private final class Js {
        final String name;
        final NodeProcess process;
        final PeerId peer;
        final Multiaddr address;

        Js(String name, NodeProcess process) {
            this.name = name;
            this.process = process;
            this.peer = PeerId.parse(process.peerId());
            this.address = process.addresses().stream().map(Multiaddr::parse)
                    .filter(a -> a.toString().startsWith("/ip4/127.")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " listens on no loopback address\n" + process.tail()));
        }

        Map<String, Object> call(String cmd, Map<String, Object> args, Duration timeout) {
            return JsRelayInteropIT.this.call(process, cmd, args, timeout);
        }

        /** Reserves on the relay; answers js's first circuit address through it (with /p2p/<js>). */
        @SuppressWarnings("unchecked")
        String reserve(Multiaddr relay) {
            Map<String, Object> r = call("reserve", Map.of("relayAddr", relay.toString()), CALL);
            List<String> addrs = (List<String>) r.get("circuitAddrs");
            assertFalse(addrs == null || addrs.isEmpty(), () -> name + " reserved but has no circuit address: " + r);
            return addrs.get(0);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> dialCircuit(String addr) {
            return (Map<String, Object>) call("dialCircuit", Map.of("addr", addr), CALL).get("connection");
        }

        /** Three pings on js's relayed connection to remote (not one js's connection manager would pick). */
        @SuppressWarnings("unchecked")
        void ping(PeerId remote) {
            Map<String, Object> r = call("ping", Map.of("peer", remote.toString(), "count", 3, "circuit", true), CALL);
            assertEquals(3, ((List<Number>) r.get("rtts")).size(), r::toString);
            assertTrue(String.valueOf(r.get("remoteAddr")).contains("/p2p-circuit"), r::toString);
        }

        /** Two concurrent echo streams of size bytes on js's relayed connection to remote. */
        void echo(PeerId remote, int size) {
            Map<String, Object> r = call("echo", Map.of("peer", remote.toString(), "size", size,
                    "streams", 2, "circuit", true), CALL);
            assertEquals(2, ((Number) r.get("streams")).intValue(), r::toString);
            assertTrue(String.valueOf(r.get("remoteAddr")).contains("/p2p-circuit"), r::toString);
        }

        @SuppressWarnings("unchecked")
        List<String> reservations() {
            return (List<String>) call("reservations", Map.of(), CALL).get("peers");
        }
    }

    private Js startJs(String name, String... args) {
        return startJsScript(name, "node-peer.mjs", args);
    }

    /** Starts {@code script} of the interop folder (node-peer.mjs, or relay-server.mjs with its caps as args). */
    private Js startJsScript(String name, String script, String... args) {
        NodeProcess p;
        try {
            p = NodeProcess.start(dir, script, Duration.ofSeconds(30), args);
        } catch (Exception e) {
            throw new AssertionError("starting " + name + " (" + script + " " + String.join(" ", args) + ") failed: "
                    + e, e);
        }
        open.add(p);
        jsNodes.add(p);
        Js js = new Js(name, p);
        System.out.printf("[interop] %s %s at %s (pid %d)%n", name, js.peer, js.address, p.pid());
        return js;
    }

    // ------------------------------------------------------------------ helpers

    private static Multiaddr circuit(Multiaddr relay, PeerId target) {
        return Multiaddr.parse(relay + "/p2p-circuit/p2p/" + target);
    }

    private String tails() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess p : jsNodes) {
            b.append("--- node pid ").append(p.pid()).append(" ---\n").append(p.tail()).append('\n');
        }
        return b.toString();
    }

    private <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause() + "\n" + tails(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no result within 30 s\n" + tails(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        }
    }

    private void waitFor(BooleanSupplier condition, int seconds, Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting until " + message.get() + "\n" + tails());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
