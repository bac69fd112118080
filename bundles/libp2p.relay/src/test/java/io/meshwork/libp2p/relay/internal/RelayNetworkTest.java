package io.meshwork.libp2p.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.api.record.PeerRecord;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.relay.internal.client.ClientConfig;
import io.meshwork.libp2p.relay.internal.client.RelayClient;
import io.meshwork.libp2p.relay.internal.hop.HopConfig;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.proto.HopMessage;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real hosts over loopback: a relay R with the hop server, and clients that reach each other only through R
 * (they dial the circuit address; their direct addresses are never given out). Real time.
 */
class RelayNetworkTest {

    private static final String ECHO = "/meshwork/test/echo/1.0.0";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        timer.shutdownNow();
    }

    private final class Relay implements AutoCloseable {
        final TestNode node;
        final HopServer hop;

        Relay(HostIdentity identity, String listen, Map<String, Object> hopConfig) {
            node = TestNode.create("relay", identity, listen);
            Map<String, Object> cfg = new HashMap<>(Map.of("enabled", true, "allow_private_addresses", true));
            cfg.putAll(hopConfig);
            hop = new HopServer(node.host, identity, BenchAccess.config(HopConfig.class, cfg), Clock.systemUTC(),
                    timer);
            node.addHandler(hop, true, RelayCodec.HOP).addConnectionListener(hop).listen();
            open.add(this);
        }

        @Override
        public void close() {
            hop.close();
            node.close();
        }
    }

    private final class Client implements AutoCloseable {
        final TestNode node;
        final RelayClient relay;

        Client(String name, String... relays) {
            node = TestNode.create(name, TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", "/p2p-circuit");
            node.addHandler(Client::echo, true, ECHO).listen();
            relay = new RelayClient(node.host, BenchAccess.config(ClientConfig.class, Map.of("relays", relays)),
                    Clock.systemUTC(), timer, new SecureRandom());
            node.addHandler(relay.stopHandler, false, RelayCodec.STOP)
                    .addConnectionListener(relay.connectionListener).addTransport(relay, "p2p-circuit");
            open.add(this);
        }

        static void echo(Stream s) {
            s.setReader(new DuplexReader() {
                @Override
                public void onData(ByteBuffer data) {
                    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                    copy.put(data).flip();
                    s.write(copy);
                }

                @Override
                public void onEnd() {
                    s.closeWrite();
                }
            });
        }

        /** This client's circuit address through its first reservation, with /p2p/<self>. */
        Multiaddr circuitAddress() {
            return relay.circuitAddresses().get(0).withPeerId(node.peerId());
        }

        @Override
        public void close() {
            relay.close();
            node.close();
        }
    }

    private static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private static String echoThrough(Connection conn, byte[] payload) throws Exception {
        Stream s = get(conn.newStream(List.of(ECHO)));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<String> done = new CompletableFuture<>();
        s.setReader(new DuplexReader() {
            @Override
            public void onData(ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                got.writeBytes(b);
            }

            @Override
            public void onEnd() {
                done.complete(got.toString(StandardCharsets.ISO_8859_1));
                s.close();
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                if (cause != null) {
                    done.completeExceptionally(cause);
                }
            }
        });
        s.write(ByteBuffer.wrap(payload));
        s.closeWrite();
        return done.get(20, TimeUnit.SECONDS);
    }

    private static Multiaddr relayAddress(Relay r) {
        return r.node.address();
    }

    @Test
    void peersWithoutPublicAddressesPingAndEchoThroughTheRelay() throws Exception {
        Relay r = new Relay(TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", Map.of());
        Client a = new Client("a", relayAddress(r).toString());
        Client b = new Client("b", relayAddress(r).toString());
        await("a's reservation", 5000, () -> !a.relay.circuitAddresses().isEmpty());
        assertTrue(a.node.host.listenAddresses().contains(a.relay.circuitAddresses().get(0)),
                "circuit addresses are listen addresses: " + a.node.host.listenAddresses());
        assertEquals(1, r.hop.reservations().stream().filter(e -> e.peer().equals(a.node.peerId())).count());

        Connection conn = get(b.node.host.connect(a.circuitAddress()));
        assertTrue(conn.isLimited(), "relayed with the default limits");
        assertTrue(conn.remoteAddress().has(Protocol.P2P_CIRCUIT), conn.remoteAddress().toString());
        await("a sees the relayed connection", 5000, () -> a.node.host.connections(b.node.peerId()).stream()
                .anyMatch(Connection::isLimited));

        Ping ping = new Ping(get(conn.newStream(List.of(Ping.PROTOCOL))), new SecureRandom());
        Duration rtt = get(ping.ping());
        assertTrue(rtt.toMillis() < 5000, rtt.toString());
        ping.close();

        byte[] big = new byte[300_000];
        new SecureRandom().nextBytes(big);
        assertEquals(new String(big, StandardCharsets.ISO_8859_1), echoThrough(conn, big));
        assertEquals("hello", echoThrough(conn, "hello".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(1, r.hop.circuits().size());
        assertTrue(r.hop.stats().get("bytes.relayed") >= 600_000, r.hop.stats().toString());
    }

    @Test
    void dialingAPeerWithoutReservationFailsNamingNoReservation() throws Exception {
        Relay r = new Relay(TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", Map.of());
        Client b = new Client("b");
        Client c = new Client("c"); // never reserves
        Multiaddr target = relayAddress(r).encapsulate(Multiaddr.parse("/p2p-circuit/p2p/" + c.node.peerId()));
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(b.node.host.connect(target)));
        assertTrue(e.getCause().getMessage().contains("NO_RESERVATION: relay"), e.getCause().getMessage());
        assertEquals(1L, r.hop.stats().get("refused.NO_RESERVATION"));
    }

    @Test
    void limitsAreEnforcedWithTheirStatusCodes() throws Exception {
        Relay r = new Relay(TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", Map.of("max_reservations", 1,
                "max_circuits_per_peer", 1, "circuit_data_bytes", 64L * 1024));
        Client a = new Client("a", relayAddress(r).toString());
        await("a's reservation", 5000, () -> !a.relay.circuitAddresses().isEmpty());
        Client b = new Client("b", relayAddress(r).toString());
        await("b's refusal", 5000, () -> !b.relay.reservations().isEmpty()
                && b.relay.reservations().get(0).lastError().startsWith("RESERVATION_REFUSED"));
        assertEquals(1L, r.hop.stats().get("refused.RESERVATION_REFUSED"));

        Connection first = get(b.node.host.connect(a.circuitAddress()));
        Client c = new Client("c");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> get(c.node.host.connect(a.circuitAddress())));
        assertTrue(e.getCause().getMessage().contains("RESOURCE_LIMIT_EXCEEDED"), e.getCause().getMessage());

        byte[] tooMuch = new byte[256 * 1024];
        assertThrows(Exception.class, () -> echoThrough(first, tooMuch), "64 KiB per direction, then reset");
        await("the circuit is gone", 5000, () -> r.hop.circuits().isEmpty());
        await("b's relayed connection closed", 5000, () -> !first.isOpen());
    }

    @Test
    void bothClientsReReserveWithinFiveSecondsAfterTheRelayRestarts() throws Exception {
        HostIdentity id = TestNode.newIdentity();
        Relay r = new Relay(id, "/ip4/127.0.0.1/tcp/0", Map.of());
        String listen = relayAddress(r).withoutPeerId().toString();
        Client a = new Client("a", relayAddress(r).toString());
        Client b = new Client("b", relayAddress(r).toString());
        await("reservations", 5000, () -> !a.relay.circuitAddresses().isEmpty()
                && !b.relay.circuitAddresses().isEmpty());

        r.close();
        open.remove(r);
        await("reservations withdrawn", 5000, () -> a.relay.circuitAddresses().isEmpty()
                && b.relay.circuitAddresses().isEmpty());
        Thread.sleep(1500); // the clients are backing off now
        Relay again = new Relay(id, listen, Map.of());
        long up = System.nanoTime();
        await("re-reservations", 5000, () -> !a.relay.circuitAddresses().isEmpty()
                && !b.relay.circuitAddresses().isEmpty());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up);
        assertTrue(ms < 5000, ms + " ms");
        assertEquals(2, again.hop.reservations().size());

        Connection conn = get(b.node.host.connect(a.circuitAddress()));
        assertEquals("again", echoThrough(conn, "again".getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(conn.remoteAddress().toString().contains("/tcp/" + "0/"));
    }

    @Test
    void reserveOverARelayedConnectionAndPeersOffTheAllowListAreDenied() throws Exception {
        Relay r = new Relay(TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", Map.of());
        Client a = new Client("a", relayAddress(r).toString());
        HopServer hopOnA = new HopServer(a.node.host, a.node.identity, BenchAccess.config(HopConfig.class,
                Map.of("enabled", true)), Clock.systemUTC(), timer);
        a.node.addHandler(hopOnA, true, RelayCodec.HOP);
        open.add(hopOnA);
        await("a's reservation", 5000, () -> !a.relay.circuitAddresses().isEmpty());
        Client b = new Client("b");
        Connection relayed = get(b.node.host.connect(a.circuitAddress()));
        assertTrue(relayed.isLimited());
        Stream hop = get(relayed.newStream(List.of(RelayCodec.HOP)));
        get(Handshake.send(hop, RelayCodec.encode(HopMessage.reserve())));
        HopMessage answer = RelayCodec.decodeHop(get(Handshake.read(hop, RelayCodec.MAX_MESSAGE_SIZE, 5000, timer))
                .body());
        assertEquals("PERMISSION_DENIED", answer.statusName());

        Relay picky = new Relay(TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0",
                Map.of("allowed_peers", new String[] {a.node.peerId().toString()}));
        Client c = new Client("c", relayAddress(picky).toString());
        await("c's refusal", 5000, () -> !c.relay.reservations().isEmpty()
                && c.relay.reservations().get(0).lastError().startsWith("PERMISSION_DENIED: reservation on relay"));
    }

    @Test
    void aConnectedPeerLearnsCircuitAddressesByIdentifyPushAsTheReservationComesAndGoes() throws Exception {
        HostIdentity relayId = TestNode.newIdentity();
        Relay down = new Relay(relayId, "/ip4/127.0.0.1/tcp/0", Map.of());
        Multiaddr relayAddr = relayAddress(down);
        down.close(); // a's relay is not up yet: a has no circuit address when b identifies it
        open.remove(down);
        Client a = new Client("a", relayAddr.toString());
        TestNode b = TestNode.create("b").listen();
        open.add(b);
        PeerId aId = a.node.peerId();
        get(b.host.connect(a.node.address()));
        await("b identified a", 5000, () -> b.host.peerStore().protocols(aId).contains(ECHO));
        assertTrue(b.host.peerStore().addresses(aId).stream().noneMatch(m -> m.has(Protocol.P2P_CIRCUIT)),
                b.host.peerStore().addresses(aId).toString());

        Relay r = new Relay(relayId, relayAddr.withoutPeerId().toString(), Map.of());
        await("a's reservation", 10_000, () -> !a.relay.circuitAddresses().isEmpty());
        Multiaddr circuit = a.relay.circuitAddresses().get(0);
        await("b learns a's circuit address", 5000, () -> b.host.peerStore().addresses(aId).contains(circuit));
        PeerRecord record = PeerRecord.fromEnvelope(b.host.peerStore().peerRecord(aId).orElseThrow());
        assertTrue(record.addresses().contains(circuit), "a's signed peer record carries it: " + record);
        assertEquals(1, b.host.connections(aId).size(), "by push on the same connection, not by a new identify");

        r.close(); // the reservation is lost
        open.remove(r);
        await("a's reservation withdrawn", 5000, () -> a.relay.circuitAddresses().isEmpty());
        await("b forgets the circuit address", 5000, () -> !b.host.peerStore().addresses(aId).contains(circuit));
        PeerRecord newer = PeerRecord.fromEnvelope(b.host.peerStore().peerRecord(aId).orElseThrow());
        assertTrue(Long.compareUnsigned(newer.seq(), record.seq()) > 0, "a newer record: " + newer);
        assertFalse(newer.addresses().contains(circuit), newer.toString());
    }
}
