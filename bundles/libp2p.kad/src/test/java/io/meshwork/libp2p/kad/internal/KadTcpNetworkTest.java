package io.meshwork.libp2p.kad.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.engine.PublicKeyValidator;
import io.meshwork.libp2p.kad.internal.engine.SignedRecordValidator;
import io.meshwork.libp2p.kad.internal.engine.Validators;
import io.meshwork.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real hosts over TCP on loopback (Noise, Yamux, identify) in this JVM, each with a DHT engine, its stream handler
 * and the identify-driven table listener, all bootstrapped from one node.
 */
class KadTcpNetworkTest {

    static final String PROTOCOL = "/meshwork/kad/1.0.0";
    /** Nodes in the network (50 fits two shared cores; -Dkad.tcp.nodes changes it). */
    static final int NODES = Integer.getInteger("kad.tcp.nodes", 50);

    record DhtNode(TestNode node, KadEngine engine, ScheduledExecutorService thread) {
        void close() {
            node.close();
            thread.shutdownNow();
            engine.close();
        }
    }

    private final List<DhtNode> nodes = new ArrayList<>();

    static DhtNode start(int index) {
        TestNode tn = TestNode.create("kad-" + index);
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kad-test-" + index);
            t.setDaemon(true);
            return t;
        });
        Validators validators = new Validators();
        validators.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
        validators.add(SignedRecord.NAMESPACE, new SignedRecordValidator());
        KadEngine engine = new KadEngine(tn.peerId(), KadEngine.Config.defaults().withRequestTimeoutMs(5000),
                new HostNetwork(tn.host, PROTOCOL, 5000, thread), new ExecutorScheduler(thread), validators,
                new Random(index));
        tn.addHandler(new KadHandler(engine, 16), false, PROTOCOL);
        tn.addConnectionListener(KadComponent.serverPeerListener(tn.host, PROTOCOL, engine, thread));
        tn.listen();
        return new DhtNode(tn, engine, thread);
    }

    private void network(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            nodes.add(start(i));
        }
        Multiaddr first = nodes.get(0).node().address();
        for (DhtNode n : nodes.subList(1, count)) {
            n.node().host.connect(first).toCompletableFuture().get(10, TimeUnit.SECONDS);
            n.engine().addServerPeer(nodes.get(0).node().peerId());
            n.engine().refresh().get(60, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void close() {
        nodes.forEach(DhtNode::close);
    }

    @Test
    void everyNodeFindsEveryOtherAndRecordsSurviveAThirdLeaving() throws Exception {
        long t0 = System.nanoTime();
        network(NODES);
        long t1 = System.nanoTime();
        // every node looks up every other (all of one node's lookups at once)
        int found = 0;
        for (DhtNode a : nodes) {
            List<CompletableFuture<List<Multiaddr>>> lookups = new ArrayList<>();
            List<DhtNode> targets = new ArrayList<>();
            for (DhtNode b : nodes) {
                if (a != b) {
                    lookups.add(a.engine().findPeer(b.node().peerId()));
                    targets.add(b);
                }
            }
            for (int i = 0; i < lookups.size(); i++) {
                List<Multiaddr> addrs = lookups.get(i).get(60, TimeUnit.SECONDS);
                Multiaddr expected = targets.get(i).node().address().withoutPeerId();
                assertTrue(addrs.contains(expected), a.node().name + " -> " + targets.get(i).node().name + ": "
                        + addrs);
                found++;
            }
        }
        long t2 = System.nanoTime();
        assertEquals(NODES * (NODES - 1), found);

        // values with a quorum
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            DhtNode owner = nodes.get(1 + i * 7);
            byte[] key = SignedRecord.key(owner.node().peerId(), "presence");
            byte[] value = SignedRecord.seal(owner.node().identity.publicKey(), owner.node().identity::sign, key, 1,
                    ("here " + i).getBytes(StandardCharsets.UTF_8));
            int stored = owner.engine().put(key, value).get(60, TimeUnit.SECONDS);
            assertTrue(stored >= 15, "stored on " + stored);
            keys.add(key);
        }
        byte[] v = nodes.get(NODES - 1).engine().get(keys.get(0), 3).get(60, TimeUnit.SECONDS);
        assertEquals("here 0", new String(SignedRecord.open(keys.get(0), v).data(), StandardCharsets.UTF_8));

        // providers
        byte[] content = io.meshwork.libp2p.api.codec.Multihash.sha256("file".getBytes()).encode();
        assertTrue(nodes.get(3).engine().provide(content).get(60, TimeUnit.SECONDS) > 0);
        List<PeerInfo> providers = nodes.get(NODES - 2).engine().findProviders(content, 1).get(60, TimeUnit.SECONDS);
        assertEquals(nodes.get(3).node().peerId(), providers.get(0).peer());

        // a third of the nodes leave, the bootstrap node among them
        List<PeerId> gone = new ArrayList<>();
        for (int i = 0; i < NODES; i += 3) {
            gone.add(nodes.get(i).node().peerId());
            nodes.get(i).close();
        }
        long t3 = System.nanoTime();
        int reads = 0;
        for (int i = 0; i < NODES; i++) {
            if (i % 3 == 0) {
                continue;
            }
            for (int j = 0; j < keys.size(); j++) {
                byte[] got = nodes.get(i).engine().get(keys.get(j), 2).get(120, TimeUnit.SECONDS);
                assertEquals("here " + j, new String(SignedRecord.open(keys.get(j), got).data(),
                        StandardCharsets.UTF_8));
                reads++;
            }
        }
        long t4 = System.nanoTime();
        System.out.printf("%d TCP nodes: bootstrap %d ms, %d lookups in %d ms (%.1f ms each on average), "
                + "%d gets after %d left in %d ms%n", NODES, (t1 - t0) / 1_000_000, found, (t2 - t1) / 1_000_000,
                (t2 - t1) / 1e6 / found, reads, gone.size(), (t4 - t3) / 1_000_000);
    }
}
