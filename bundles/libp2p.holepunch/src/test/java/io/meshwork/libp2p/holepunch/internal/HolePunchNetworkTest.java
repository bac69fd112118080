package io.meshwork.libp2p.holepunch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.nat.Reachability;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import io.meshwork.libp2p.relay.internal.client.ClientConfig;
import io.meshwork.libp2p.relay.internal.client.RelayClient;
import io.meshwork.libp2p.relay.internal.hop.HopConfig;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.testing.TestNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real hosts on loopback: a relay R (hop server, AutoNAT server) and peers A and B with relay clients and hole
 * punching. A dials B through R; B (the inbound side) drives DCUtR; both punch with dialDirect in their roles. There
 * is no NAT here, so this proves the machinery (roles, upgrade, prefer direct, grace close), not the traversal:
 * that is the namespace system test.
 */
class HolePunchNetworkTest {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        timer.shutdownNow();
    }

    static HolePunchConfig config(Map<String, Object> overrides) {
        Map<String, Object> cfg = new HashMap<>(Map.of("start_delay_ms", 50L, "autonat_client_enabled", false,
                "reachability_threshold", 1, "observed_confirmations", 1));
        cfg.putAll(overrides);
        return BenchAccess.config(HolePunchConfig.class, cfg);
    }

    final class Relay implements AutoCloseable {
        final TestNode node;
        final HopServer hop;
        final HolePunching punching;

        Relay() {
            HostIdentity identity = TestNode.newIdentity();
            node = TestNode.create("relay", identity, "/ip4/127.0.0.1/tcp/0");
            hop = new HopServer(node.host, identity, BenchAccess.config(HopConfig.class,
                    Map.of("enabled", true, "allow_private_addresses", true)), Clock.systemUTC(), timer);
            punching = new HolePunching(node.host, config(Map.of("autonat_server_enabled", true)), timer,
                    Clock.systemUTC(), (b, a) -> { });
            node.addHandler(hop, true, RelayCodec.HOP).addConnectionListener(hop)
                    .addHandler(punching.autonat, true, AutoNatMessage.PROTOCOL).listen();
            open.add(this);
        }

        @Override
        public void close() {
            punching.close();
            hop.close();
            node.close();
        }
    }

    final class Peer implements AutoCloseable {
        final TestNode node;
        final RelayClient relay;
        final HolePunching punching;
        final List<HolePunchService.Result> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Reachability> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

        Peer(String name, Relay r, Map<String, Object> cfg) {
            this(name, r, cfg, 10_000);
        }

        Peer(String name, Relay r, Map<String, Object> cfg, long graceMillis) {
            node = TestNode.create(name, TestNode.newIdentity(), Map.of("listen_addresses",
                    new String[] {"/ip4/127.0.0.1/tcp/0", "/p2p-circuit"}, "limited_close_grace_ms", graceMillis));
            punching = new HolePunching(node.host, config(cfg), timer, Clock.systemUTC(), (b, a) -> changes.add(a));
            punching.dcutr.addResultListener(results::add);
            node.addHandler(punching.dcutr, true, HolePunch.PROTOCOL).addConnectionListener(punching.dcutr)
                    .listen();
            relay = new RelayClient(node.host, BenchAccess.config(ClientConfig.class,
                    Map.of("relays", new String[] {r.node.address().toString()})), Clock.systemUTC(), timer,
                    new SecureRandom());
            node.addHandler(relay.stopHandler, false, RelayCodec.STOP)
                    .addConnectionListener(relay.connectionListener).addTransport(relay, "p2p-circuit");
            open.add(this);
        }

        Multiaddr circuitAddress() {
            return relay.circuitAddresses().get(0).withPeerId(node.peerId());
        }

        @Override
        public void close() {
            punching.close();
            relay.close();
            node.close();
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void relayedConnectionIsUpgradedToADirectOneWhichThenCarriesTheStreams() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of());
        Peer b = new Peer("b", r, Map.of("autonat_client_enabled", false));
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        await("b's observed address", 5000, () -> !b.node.host.peerStore().observedAddresses().isEmpty());
        await("a's observed address", 5000, () -> !a.node.host.peerStore().observedAddresses().isEmpty());

        Connection relayed = get(a.node.host.connect(b.circuitAddress()));
        assertTrue(relayed.isLimited());
        await("b's hole punch result", 20_000, () -> !b.results.isEmpty());
        HolePunchService.Result result = b.results.get(0);
        assertTrue(result.outcome().success(), result.toString());
        assertTrue(result.initiator(), "b, the inbound side of the relayed connection, drove DCUtR");
        assertEquals(1, result.outcome().attempts());
        assertEquals(1, result.outcome().rttsMillis().size());

        await("a direct connection on both sides", 10_000,
                () -> a.node.host.connections(b.node.peerId()).stream().anyMatch(c -> !c.isLimited() && c.isOpen())
                        && b.node.host.connections(a.node.peerId()).stream().anyMatch(c -> !c.isLimited()
                        && c.isOpen()));
        Connection direct = a.node.host.connections(b.node.peerId()).stream().filter(c -> !c.isLimited())
                .findFirst().orElseThrow();
        assertFalse(direct.remoteAddress().toString().contains("p2p-circuit"), direct.remoteAddress().toString());

        // new streams go over the direct connection, although the relayed one is still open
        assertTrue(relayed.isOpen());
        Stream s = get(a.node.host.newStream(b.node.peerId(), List.of(Ping.PROTOCOL)));
        assertFalse(s.connection().isLimited(), "stream on " + s.connection());
        Ping ping = new Ping(s, new SecureRandom());
        get(ping.ping());
        ping.close();
        assertTrue(a.node.host.connect(b.node.peerId()).toCompletableFuture().get(5, TimeUnit.SECONDS)
                .isLimited() == false);
    }

    @Test
    void connectionReversalDialsAReachableADirectlyWithoutDcutrRounds() throws Exception {
        Relay r = new Relay();
        // A does not even run DCUtR: the direct connection can only come from B dialing A's identify addresses
        Peer a = new Peer("a", r, Map.of("dcutr_enabled", false));
        Peer b = new Peer("b", r, Map.of("connection_reversal_enabled", true,
                "reversal_private_addresses", true)); // loopback counts here
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        Connection relayed = get(a.node.host.connect(b.circuitAddress()));
        assertTrue(relayed.isLimited());
        await("b's result", 20_000, () -> !b.results.isEmpty());
        HolePunchService.Result result = b.results.get(0);
        assertTrue(result.outcome().success() && result.outcome().reversed(), result.toString());
        assertEquals(0, result.outcome().attempts());
        assertTrue(result.outcome().rttsMillis().isEmpty(), "no CONNECT/SYNC round");
        Connection direct = b.node.host.connections(a.node.peerId()).stream().filter(c -> !c.isLimited())
                .findFirst().orElseThrow();
        assertEquals(Direction.OUTBOUND, direct.direction(), "B dialed A");
        assertTrue(a.node.host.listenAddresses().stream().anyMatch(l -> l.withoutPeerId().equals(
                direct.remoteAddress().withoutPeerId())), direct.remoteAddress() + " is one of A's listen addresses");
        assertTrue(a.results.isEmpty(), "A never served a DCUtR stream");
        Stream s = get(a.node.host.newStream(b.node.peerId(), List.of(Ping.PROTOCOL)));
        assertFalse(s.connection().isLimited());
        s.reset();
    }

    @Test
    void withPublicAddressesOnlyLoopbackIsNotReversedAndDcutrRuns() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of());
        Peer b = new Peer("b", r, Map.of("connection_reversal_enabled", true)); // A has loopback only
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        await("observed addresses", 5000, () -> !b.node.host.peerStore().observedAddresses().isEmpty()
                && !a.node.host.peerStore().observedAddresses().isEmpty());
        get(a.node.host.connect(b.circuitAddress()));
        await("b's result", 20_000, () -> !b.results.isEmpty());
        HolePunchService.Result result = b.results.get(0);
        assertTrue(result.outcome().success() && !result.outcome().reversed(), result.toString());
        assertEquals(1, result.outcome().attempts());
    }

    @Test
    void theRelayedConnectionClosesAfterTheGracePeriodAndTrafficContinuesDirectly() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of(), 300);
        Peer b = new Peer("b", r, Map.of(), 300);
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        await("observed addresses", 5000, () -> !b.node.host.peerStore().observedAddresses().isEmpty()
                && !a.node.host.peerStore().observedAddresses().isEmpty());
        Connection relayed = get(a.node.host.connect(b.circuitAddress()));
        await("the relayed connection closes on both sides", 20_000, () -> !relayed.isOpen()
                && b.node.host.connections(a.node.peerId()).stream().noneMatch(Connection::isLimited));
        assertEquals(1, a.node.host.connections(b.node.peerId()).size());
        Ping ping = new Ping(get(a.node.host.newStream(b.node.peerId(), List.of(Ping.PROTOCOL))), new SecureRandom());
        get(ping.ping());
        ping.close();
    }

    @Test
    void withDcutrOffTheConnectionStaysRelayedAndWorks() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of("dcutr_enabled", false));
        Peer b = new Peer("b", r, Map.of("dcutr_enabled", false));
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        Connection relayed = get(a.node.host.connect(b.circuitAddress()));
        Ping ping = new Ping(get(relayed.newStream(List.of(Ping.PROTOCOL))), new SecureRandom());
        get(ping.ping());
        ping.close();
        Thread.sleep(500);
        assertTrue(b.results.isEmpty());
        assertTrue(a.node.host.connections(b.node.peerId()).stream().allMatch(Connection::isLimited));
    }

    @Test
    void garbageOrAFloodOnTheDcutrStreamResetsOnlyThatStream() throws Exception {
        Relay r = new Relay();
        Peer b = new Peer("b", r, Map.of());
        // b opens DCUtR streams to c's responder by hand, over the relayed connection
        Peer responder = new Peer("c", r, Map.of());
        await("c's reservation", 5000, () -> !responder.relay.circuitAddresses().isEmpty());
        Connection toC = get(b.node.host.connect(responder.circuitAddress()));
        for (byte[] bad : List.of(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
                new byte[] {0x02, 0x08, 0x05})) {
            Stream s = get(toC.newStream(List.of(HolePunch.PROTOCOL)));
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            s.setReader(new io.meshwork.libp2p.api.io.DuplexReader() {
                @Override
                public void onData(java.nio.ByteBuffer data) {
                    data.position(data.limit());
                }

                @Override
                public void onEnd() {
                    closed.complete(null);
                }

                @Override
                public void onClose(Throwable cause) {
                    closed.complete(cause);
                }
            });
            s.write(java.nio.ByteBuffer.wrap(bad));
            closed.get(10, TimeUnit.SECONDS); // reset (or ended) by c, without waiting for a timeout
        }
        Stream flood = get(toC.newStream(List.of(HolePunch.PROTOCOL)));
        CompletableFuture<Void> gone = flood.closeFuture().toCompletableFuture();
        for (int i = 0; i < 50 && !gone.isDone(); i++) {
            flood.write(io.meshwork.libp2p.api.io.VarintFrames.frame(HolePunch.sync().encode()));
        }
        gone.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        assertTrue(toC.isOpen(), "the connection stays");
        Ping ping = new Ping(get(toC.newStream(List.of(Ping.PROTOCOL))), new SecureRandom());
        get(ping.ping());
        ping.close();
    }

    @Test
    void theShellShowsReachabilityConnectionsAndHolePunches() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of());
        Peer b = new Peer("b", r, Map.of());
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        await("observed addresses", 5000, () -> !b.node.host.peerStore().observedAddresses().isEmpty()
                && !a.node.host.peerStore().observedAddresses().isEmpty());
        get(a.node.host.connect(b.circuitAddress()));
        await("b's result", 20_000, () -> !b.results.isEmpty());
        String out = io.meshwork.libp2p.holepunch.internal.shell.ShellAccess.render(b.node.host, b.punching);
        assertTrue(out.startsWith("Reachability: unknown"), out);
        assertTrue(out.contains("relayed") && out.contains("direct"), out);
        assertTrue(out.contains(a.node.peerId() + " direct attempts=1"), out);
        assertTrue(out.contains("(1 peer(s))"), out);
    }

    @Test
    void rolesAreFixedByDcutrNotBySockets() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of());
        Peer b = new Peer("b", r, Map.of());
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        await("observed addresses", 5000, () -> !b.node.host.peerStore().observedAddresses().isEmpty()
                && !a.node.host.peerStore().observedAddresses().isEmpty());
        get(a.node.host.connect(b.circuitAddress()));
        await("both results", 20_000, () -> !b.results.isEmpty() && !a.results.isEmpty());
        assertTrue(a.results.get(0).outcome().success(), a.results.toString());
        assertFalse(a.results.get(0).initiator());
        // a is the client above TCP: its direct connection runs as OUTBOUND, b's as INBOUND, whoever's SYN won
        await("direct", 5000, () -> a.node.host.connections(b.node.peerId()).stream().anyMatch(c -> !c.isLimited()));
        Connection ad = a.node.host.connections(b.node.peerId()).stream().filter(c -> !c.isLimited()).findFirst()
                .orElseThrow();
        Connection bd = b.node.host.connections(a.node.peerId()).stream().filter(c -> !c.isLimited()).findFirst()
                .orElseThrow();
        assertEquals(Direction.OUTBOUND, ad.direction());
        assertEquals(Direction.INBOUND, bd.direction());
    }

    @Test
    void autoNatServerDialsBackAndTheClientBecomesPublic() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of());
        await("identify with the relay", 5000, () -> a.node.host.peerStore().protocols(r.node.peerId())
                .contains(AutoNatMessage.PROTOCOL) && !a.node.host.peerStore().observedAddresses().isEmpty());
        assertEquals(Reachability.UNKNOWN, a.punching.reachability());
        assertEquals(1, get(a.punching.autonat.check(3)));
        assertEquals(Reachability.PUBLIC, a.punching.reachability());
        assertEquals(List.of(Reachability.PUBLIC), a.changes);
        assertFalse(a.punching.externalAddresses().isEmpty());
        assertEquals(1L, r.punching.autonat.stats().get("server.ok"));
    }

    @Test
    void autoNatServerRefusesOverRelayedConnections() throws Exception {
        Relay r = new Relay();
        Peer a = new Peer("a", r, Map.of());
        Peer b = new Peer("b", r, Map.of("dcutr_enabled", false, "autonat_server_enabled", true));
        b.node.addHandler(b.punching.autonat, true, AutoNatMessage.PROTOCOL);
        await("b's reservation", 5000, () -> !b.relay.circuitAddresses().isEmpty());
        Connection relayed = get(a.node.host.connect(b.circuitAddress()));
        Stream s = get(relayed.newStream(List.of(AutoNatMessage.PROTOCOL)));
        CompletableFuture<AutoNatMessage> answer = io.meshwork.libp2p.holepunch.internal.autonat.AutoNatTestAccess
                .readOne(s);
        s.write(io.meshwork.libp2p.api.io.VarintFrames.frame(AutoNatMessage.dial(a.node.peerId(),
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"))).encode()));
        AutoNatMessage m = answer.get(10, TimeUnit.SECONDS);
        assertEquals(AutoNatMessage.Status.E_DIAL_REFUSED, m.response().status());
        assertTrue(relayed.isOpen(), "the relayed connection stays");
    }
}
