package io.meshwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.kad.internal.ExecutorScheduler;
import io.meshwork.libp2p.kad.internal.HostNetwork;
import io.meshwork.libp2p.kad.internal.KadComponent;
import io.meshwork.libp2p.kad.internal.KadHandler;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.engine.PublicKeyValidator;
import io.meshwork.libp2p.kad.internal.engine.SignedRecordValidator;
import io.meshwork.libp2p.kad.internal.engine.Validators;
import io.meshwork.libp2p.relay.internal.client.ClientConfig;
import io.meshwork.libp2p.relay.internal.client.RelayClient;
import io.meshwork.libp2p.relay.internal.hop.HopConfig;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.testing.TestNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client-mode node behind a relay is found by Peer ID at its relay circuit address, and a host that knows only
 * the Peer ID dials it through peer routing: real hosts over loopback TCP, the relay being the DHT bootstrap node
 * (as the relay runtime is).
 */
@Timeout(120)
class KadCircuitIT {

    private static final String PROTOCOL = "/meshwork/kad/1.0.0";
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        timer.shutdownNow();
    }

    /** A DHT engine on {@code node}: server mode registers the handler (identify then advertises it). */
    private KadEngine dht(TestNode node, boolean server) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        Validators validators = new Validators();
        validators.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
        validators.add(SignedRecord.NAMESPACE, new SignedRecordValidator());
        KadEngine engine = new KadEngine(node.peerId(), KadEngine.Config.defaults().withRequestTimeoutMs(10_000),
                new HostNetwork(node.host, PROTOCOL, 10_000, thread), new ExecutorScheduler(thread), validators,
                new Random(new SecureRandom().nextLong()));
        if (server) {
            node.addHandler(new KadHandler(engine, 16), false, PROTOCOL);
        }
        node.addConnectionListener(KadComponent.serverPeerListener(node.host, PROTOCOL, engine, thread));
        open.add(() -> {
            thread.shutdownNow();
            engine.close();
        });
        return engine;
    }

    @Test
    void aNattedClientIsFoundAtItsCircuitAddressAndDialedByPeerIdAlone() throws Exception {
        // the relay: hop server and DHT server, everyone's bootstrap node
        TestNode relay = TestNode.create("relay", TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0");
        open.add(relay);
        HopServer hop = new HopServer(relay.host, relay.identity, BenchAccess.config(HopConfig.class,
                Map.of("enabled", true, "allow_private_addresses", true)), Clock.systemUTC(), timer);
        open.add(hop::close);
        relay.addHandler(hop, true, RelayCodec.HOP).addConnectionListener(hop);
        KadEngine relayDht = dht(relay, true);
        relay.listen();

        // the NATed node: DHT client mode, a reservation on the relay
        TestNode natted = TestNode.create("natted", TestNode.newIdentity(), "/ip4/127.0.0.1/tcp/0", "/p2p-circuit");
        open.add(natted);
        KadEngine nattedDht = dht(natted, false);
        natted.listen();
        RelayClient client = new RelayClient(natted.host, BenchAccess.config(ClientConfig.class,
                Map.of("relays", new String[] {relay.address().toString()})), Clock.systemUTC(), timer,
                new SecureRandom());
        open.add(client::close);
        natted.addHandler(client.stopHandler, false, RelayCodec.STOP).addConnectionListener(client.connectionListener)
                .addTransport(client, "p2p-circuit");
        waitFor(() -> !client.circuitAddresses().isEmpty(), "a reservation on the relay");
        nattedDht.addServerPeer(relay.peerId());
        nattedDht.refresh().get(30, TimeUnit.SECONDS);

        // another node, bootstrapped from the relay, with the DHT as its host's peer routing
        TestNode other = TestNode.create("other");
        open.add(other);
        KadEngine otherDht = dht(other, true);
        other.listen();
        BenchAccess.bindPeerRouting(other.host, otherDht::findPeer);
        other.host.connect(relay.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        otherDht.addServerPeer(relay.peerId());
        otherDht.refresh().get(30, TimeUnit.SECONDS);
        assertTrue(other.host.peerStore().addresses(natted.peerId()).isEmpty(), "other knows nothing of it yet");
        // the reservation came after the first identify: an identify push (address change) tells the relay
        waitFor(() -> relay.host.peerStore().addresses(natted.peerId()).stream()
                .anyMatch(a -> a.has(Protocol.P2P_CIRCUIT)), "the relay learns its circuit address");

        List<Multiaddr> found = otherDht.findPeer(natted.peerId()).get(30, TimeUnit.SECONDS);
        Multiaddr circuit = found.stream().filter(a -> a.has(Protocol.P2P_CIRCUIT)).findFirst()
                .orElseThrow(() -> new AssertionError("no circuit address among " + found + "; the relay stores "
                        + relay.host.peerStore().addresses(natted.peerId())));
        assertTrue(circuit.toString().startsWith(relay.address().toString()), circuit::toString);

        // dialing by Peer ID alone: the host asks peer routing
        assertTrue(other.host.peerStore().addresses(natted.peerId()).isEmpty()
                || other.host.peerStore().addresses(natted.peerId()).containsAll(found));
        Connection c = other.host.connect(natted.peerId()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(natted.peerId(), c.remotePeer());
        // and through the circuit itself
        Connection relayed = other.host.connect(circuit.withPeerId(natted.peerId())).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertEquals(natted.peerId(), relayed.remotePeer());
        System.out.printf("[kad] found %s at %s; dialed by Peer ID via %s%n", natted.peerId(), found,
                c.remoteAddress());
        assertTrue(relayDht.table().get(10, TimeUnit.SECONDS).stream().flatMap(List::stream)
                .noneMatch(e -> e.peer().equals(natted.peerId())), "a client-mode node is in no table");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

}
