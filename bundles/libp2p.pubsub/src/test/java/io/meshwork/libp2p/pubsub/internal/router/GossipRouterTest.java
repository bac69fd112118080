package io.meshwork.libp2p.pubsub.internal.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PublishResult;
import io.meshwork.libp2p.api.pubsub.ValidationResult;
import io.meshwork.libp2p.pubsub.internal.router.SimNetwork.Envelope;
import io.meshwork.libp2p.pubsub.internal.router.SimNetwork.Node;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Graft;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Prune;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The router's state machine in virtual time: many routers over an in-memory network, no sleeps. */
class GossipRouterTest {

    private static final String TOPIC = "meshwork/test";
    private static final Duration HB = Duration.ofSeconds(1);
    private static final RouterConfig CONFIG = RouterConfig.defaults();

    private static PublishResult publish(Node n, String text) {
        return n.router.publish(TOPIC, text.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
    }

    /** Every node joins, then one heartbeat builds the meshes (joins see only the peers known at the time). */
    private static void joinAll(SimNetwork net, List<Node> nodes) {
        nodes.forEach(n -> n.router.join(TOPIC));
        net.drain();
        net.heartbeat(HB);
    }

    private static List<String> texts(Node n) {
        return n.delivered.stream().map(m -> new String(m.data(), StandardCharsets.UTF_8)).toList();
    }

    /**
     * Runs one heartbeat on every node and checks each mesh right after its own heartbeat (before the RPCs it
     * caused are delivered): at most D_hi, and at least D_lo unless fewer eligible peers exist (subscribed, not in
     * backoff, score not negative). Between heartbeats PRUNEs may shrink a mesh; the next heartbeat repairs it.
     */
    private static void heartbeatChecked(SimNetwork net) {
        net.clock.advance(HB);
        for (Node n : new ArrayList<>(net.nodes.values())) {
            n.router.heartbeat();
            java.util.Set<PeerId> mesh = n.router.meshPeers(TOPIC);
            java.util.Set<PeerId> eligible = new java.util.HashSet<>(mesh);
            for (PeerId p : n.router.topicPeers(TOPIC)) {
                if (!n.router.backoffPeers(TOPIC).contains(p) && (n.score == null || n.score.score(p) >= 0)) {
                    eligible.add(p);
                }
            }
            assertTrue(mesh.size() <= CONFIG.dHi(), n.id + " mesh " + mesh.size() + " > D_hi");
            assertTrue(mesh.size() >= Math.min(CONFIG.dLo(), eligible.size()), n.id + " mesh " + mesh.size()
                    + " < D_lo with " + eligible.size() + " eligible peers");
            for (PeerId p : mesh) {
                assertTrue(n.links.contains(p), "mesh peer " + p + " is not connected");
            }
        }
        net.drain();
    }

    @Test
    void meshSizesStayWithinBoundsUnderChurn() {
        SimNetwork net = new SimNetwork(1);
        for (int i = 0; i < 40; i++) {
            net.add(CONFIG, true);
        }
        net.randomTopology(14);
        net.nodes.values().forEach(n -> n.router.join(TOPIC));
        net.drain();
        for (int i = 0; i < 5; i++) {
            heartbeatChecked(net);
        }
        for (int round = 0; round < 8; round++) {
            List<Node> list = new ArrayList<>(net.nodes.values());
            for (int k = 0; k < 4; k++) {
                net.kill(list.get(net.random.nextInt(list.size())));
                list = new ArrayList<>(net.nodes.values());
            }
            for (int k = 0; k < 4; k++) {
                Node fresh = net.add(CONFIG, true);
                for (int c = 0; c < 10; c++) {
                    net.connect(fresh, list.get(net.random.nextInt(list.size())));
                }
                fresh.router.join(TOPIC);
                net.drain();
            }
            for (int i = 0; i < 3; i++) {
                heartbeatChecked(net);
            }
        }
        // and the meshes are in use: no node is left without mesh peers
        for (Node n : net.nodes.values()) {
            assertFalse(n.router.meshPeers(TOPIC).isEmpty(), n.id + " has an empty mesh");
        }
    }

    @Test
    void meshesAreSymmetric() {
        SimNetwork net = new SimNetwork(2);
        for (int i = 0; i < 20; i++) {
            net.add(CONFIG, true);
        }
        net.randomTopology(8);
        net.nodes.values().forEach(n -> n.router.join(TOPIC));
        net.drain();
        net.heartbeats(10, HB);
        for (Node n : net.nodes.values()) {
            for (PeerId p : n.router.meshPeers(TOPIC)) {
                assertTrue(net.nodes.get(p).router.meshPeers(TOPIC).contains(n.id),
                        p + " does not have " + n.id + " in its mesh although " + n.id + " has it");
            }
        }
    }

    @Test
    void everyMessageReachesEverySubscriberExactlyOnce() {
        SimNetwork net = new SimNetwork(3);
        for (int i = 0; i < 20; i++) {
            net.add(CONFIG, true);
        }
        net.randomTopology(4);
        net.nodes.values().forEach(n -> n.router.join(TOPIC));
        net.drain();
        net.heartbeats(3, HB);
        List<Node> list = new ArrayList<>(net.nodes.values());
        for (int i = 0; i < 300; i++) {
            publish(list.get(net.random.nextInt(list.size())), "m" + i);
            net.drain();
            if (i % 50 == 0) {
                net.heartbeat(HB);
            }
        }
        for (Node n : list) {
            List<String> got = texts(n);
            assertEquals(300, got.size(), n.id + " got " + got.size());
            assertEquals(300, new java.util.HashSet<>(got).size(), n.id + " got duplicates");
        }
    }

    @Test
    void prunedPeerIsNotGraftedDuringBackoffAndGraftInBackoffIsRefusedAndPenalised() {
        SimNetwork net = new SimNetwork(4);
        Node a = net.add(CONFIG, true);
        Node b = net.add(CONFIG, true);
        net.connect(a, b);
        joinAll(net, List.of(a, b));
        assertTrue(a.router.meshPeers(TOPIC).contains(b.id));

        // a prunes b (as if its mesh were full); b must stay out for the backoff
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(), List.of(),
                List.of(new Prune(TOPIC, List.of(), 60L)), List.of())));
        assertFalse(a.router.meshPeers(TOPIC).contains(b.id));
        assertTrue(a.router.backoffPeers(TOPIC).contains(b.id));
        net.heartbeats(30, HB);
        assertFalse(a.router.meshPeers(TOPIC).contains(b.id), "grafted during the backoff");

        // b keeps grafting: refused with PRUNEs, and penalised (past the behaviour-penalty threshold its score
        // goes negative)
        net.logTraffic = true;
        for (int i = 0; i < 3; i++) {
            a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(),
                    List.of(new Graft(TOPIC)), List.of(), List.of())));
        }
        assertFalse(a.router.meshPeers(TOPIC).contains(b.id));
        assertTrue(net.log.stream().anyMatch(e -> e.from().equals(a.id) && e.rpc().control() != null
                && !e.rpc().control().prune().isEmpty()), "no PRUNE answered the GRAFT in backoff");
        assertTrue(a.score.score(b.id) < 0, "no penalty for grafting in backoff: " + a.score.score(b.id));

        // after the backoff, and once the penalty has decayed below its threshold (half-life 5 min), the mesh
        // forms again
        net.queue.clear();
        net.heartbeats(400, HB);
        assertTrue(a.router.meshPeers(TOPIC).contains(b.id), "not grafted again after the backoff");
    }

    @Test
    void graftForUnknownTopicIsAnsweredWithPruneWithoutPeerExchange() {
        SimNetwork net = new SimNetwork(5);
        Node a = net.add(CONFIG, false);
        Node b = net.add(CONFIG, false);
        Node c = net.add(CONFIG, false);
        net.connect(a, b);
        net.connect(a, c);
        net.logTraffic = true;
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(),
                List.of(new Graft("unknown")), List.of(), List.of())));
        net.drain();
        Envelope e = net.log.stream().filter(x -> x.from().equals(a.id) && x.rpc().control() != null).findFirst()
                .orElseThrow();
        Prune prune = e.rpc().control().prune().get(0);
        assertEquals("unknown", prune.topic());
        assertTrue(prune.peers().isEmpty(), "peers of an unknown topic leaked");
    }

    @Test
    void iwantIsServedFromTheMessageCacheAtMostRetransmissionTimes() {
        SimNetwork net = new SimNetwork(6);
        Node a = net.add(CONFIG, false);
        Node b = net.add(CONFIG, false);
        net.connect(a, b);
        a.router.join(TOPIC);
        net.drain();
        MessageId id = MessageId.of(publish(a, "cached").messageId());
        net.queue.clear();
        net.logTraffic = true;
        for (int i = 0; i < 5; i++) {
            a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(),
                    List.of(new IWant(List.of(id))), List.of(), List.of(), List.of())));
        }
        long served = net.log.stream().filter(x -> x.to().equals(b.id)).mapToLong(x -> x.rpc().publish().size())
                .sum();
        assertEquals(CONFIG.gossipRetransmission(), served);

        // after mcache_len heartbeats the message is gone from the cache
        net.heartbeats(CONFIG.mcacheLength(), HB);
        net.log.clear();
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(),
                List.of(new IWant(List.of(id))), List.of(), List.of(), List.of())));
        assertEquals(0, net.log.stream().mapToLong(x -> x.rpc().publish().size()).sum());
    }

    @Test
    void gossipRepairsAPeerOutsideTheMesh() {
        // c is connected to a but not in its mesh (D = 1 forces a mesh of one): it learns the message by IHAVE/IWANT
        RouterConfig tiny = new RouterConfig(1, 1, 1, 1, 0, 6, 0.25, HB, Duration.ofSeconds(60), 5, 3,
                Duration.ofMinutes(2), 1000, Duration.ofMinutes(1), Duration.ofSeconds(10), HB, 16, false, 1024, 1000,
                1 << 20, 5000, 10, Duration.ofSeconds(3), 3, Duration.ofSeconds(10), 60, 2, java.util.Set.of(), 300,
                1024, Duration.ofSeconds(10), 1000, 1000, false);
        SimNetwork net = new SimNetwork(7);
        Node a = net.add(tiny, false);
        Node b = net.add(tiny, false);
        Node c = net.add(tiny, false);
        net.connect(a, b);
        net.connect(a, c);
        joinAll(net, List.of(a, b, c));
        net.heartbeat(HB);
        Node outside = a.router.meshPeers(TOPIC).contains(b.id) ? c : b;
        assertFalse(a.router.meshPeers(TOPIC).contains(outside.id));
        publish(a, "gossiped");
        net.drain();
        assertTrue(texts(outside).isEmpty(), "sent directly although not in the mesh and flood publish off");
        net.heartbeat(HB); // IHAVE → IWANT → message
        assertEquals(List.of("gossiped"), texts(outside));
    }

    @Test
    void aPeerThatLostItsMeshGetsWhatWasPublishedMeanwhileFromItsNewMeshPeers() {
        // D = 1: x's whole mesh is one peer. When it dies, what is published before x grafts someone else reaches
        // only b, and gossip goes to non-mesh peers only, so once b has x in its mesh only the IHAVE that comes
        // with the graft can offer x the messages it missed.
        RouterConfig tiny = new RouterConfig(1, 1, 1, 1, 0, 6, 0.25, HB, Duration.ofSeconds(60), 5, 3,
                Duration.ofMinutes(2), 1000, Duration.ofMinutes(1), Duration.ofSeconds(10), HB, 16, true, 1024, 1000,
                1 << 20, 5000, 10, Duration.ofSeconds(3), 3, Duration.ofSeconds(10), 60, 2, java.util.Set.of(), 300,
                1024, Duration.ofSeconds(10), 1000, 1000, false);
        SimNetwork net = new SimNetwork(18);
        Node p = net.add(tiny, false);
        Node a = net.add(tiny, false);
        Node b = net.add(tiny, false);
        Node x = net.add(tiny, false);
        net.connect(p, b);
        net.connect(a, x);
        net.connect(b, x);
        net.connect(p, a);
        List<Node> all = List.of(p, a, b, x);
        all.forEach(n -> n.router.join(TOPIC));
        net.drain();
        // steer the meshes: x meshes with a only, b with p only
        for (Node n : all) {
            for (PeerId peer : n.router.meshPeers(TOPIC)) {
                n.router.handleRpc(peer, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(),
                        List.of(), List.of(new Prune(TOPIC, List.of(), 0L)), List.of())));
            }
        }
        x.router.handleRpc(a.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(),
                List.of(new Graft(TOPIC)), List.of(), List.of())));
        b.router.handleRpc(p.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(),
                List.of(new Graft(TOPIC)), List.of(), List.of())));
        net.queue.clear();
        net.clock.advance(Duration.ofMinutes(2)); // every backoff over
        assertEquals(java.util.Set.of(a.id), x.router.meshPeers(TOPIC));
        assertEquals(java.util.Set.of(p.id), b.router.meshPeers(TOPIC));

        net.kill(a);
        publish(p, "while x has no mesh");
        net.drain();
        assertTrue(texts(b).contains("while x has no mesh"));
        assertFalse(texts(x).contains("while x has no mesh"));
        x.router.heartbeat(); // x grafts b
        net.drain();
        b.router.heartbeat(); // x is in b's mesh now: b's ordinary gossip leaves it out
        net.drain();
        assertTrue(b.router.meshPeers(TOPIC).contains(x.id));
        assertEquals(List.of("while x has no mesh"), texts(x), "x never got what was published while it had no mesh");
    }

    @Test
    void invalidSignatureIsRejectedNotForwardedAndScored() {
        SimNetwork net = new SimNetwork(8);
        Node a = net.add(CONFIG, true);
        Node b = net.add(CONFIG, true);
        Node c = net.add(CONFIG, true);
        net.connect(b, a);
        net.connect(a, c);
        joinAll(net, List.of(a, b, c));
        double before = a.score.score(b.id);
        byte[] seq = new byte[8];
        seq[7] = 1;
        RpcMessage forged = new RpcMessage(b.id.bytes(), "forged".getBytes(StandardCharsets.UTF_8), seq, TOPIC,
                new byte[64], null);
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(forged), null));
        net.drain();
        assertTrue(texts(a).isEmpty());
        assertTrue(texts(c).isEmpty(), "forwarded a message with a bad signature");
        assertTrue(a.score.score(b.id) < before, "no penalty for an invalid signature");
        assertEquals(1, a.router.stats().rejected());
    }

    private static RouterConfig withDirect(java.util.Set<PeerId> direct) {
        RouterConfig c = CONFIG;
        return new RouterConfig(c.d(), c.dLo(), c.dHi(), c.dScore(), c.dOut(), c.dLazy(), c.gossipFactor(),
                c.heartbeatInterval(), c.fanoutTtl(), c.mcacheLength(), c.mcacheGossip(), c.seenTtl(),
                c.seenCacheMax(), c.pruneBackoff(), c.unsubscribeBackoff(), c.pruneBackoffSlack(), c.prunePeers(),
                false, c.idontwantThreshold(), c.idontwantMaxIds(), c.maxMessageSize(), c.maxIHaveLength(),
                c.maxIHaveMessages(), c.iwantFollowupTime(), c.gossipRetransmission(), c.graftFloodThreshold(),
                c.opportunisticGraftTicks(), c.opportunisticGraftPeers(), direct, c.directConnectTicks(),
                c.maxPendingValidations(), c.validationTimeout(), c.mcacheMax(), c.maxTopicsPerPeer(),
                c.floodsubOnly());
    }

    @Test
    void directPeersGetEveryMessageAreNeverMeshedAndAreReconnected() {
        SimNetwork net = new SimNetwork(16);
        Node b = net.add(CONFIG, false);
        Node a = net.add(withDirect(java.util.Set.of(b.id)), false);
        List<Node> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.add(net.add(CONFIG, false));
        }
        for (Node o : others) {
            net.connect(a, o);
        }
        // not connected yet: the first heartbeat asks to connect to the direct peer
        net.heartbeat(HB);
        assertTrue(a.connectRequests.contains(b.id), "no reconnection attempt to the direct peer");
        net.connect(a, b);
        List<Node> all = new ArrayList<>(others);
        all.add(a);
        all.add(b);
        joinAll(net, all);
        net.heartbeats(3, HB);
        assertFalse(a.router.meshPeers(TOPIC).contains(b.id), "a direct peer in the mesh");
        // flood publish is off here: only the mesh and direct peers get a's messages, and b always does
        for (int i = 0; i < 20; i++) {
            publish(a, "d" + i);
        }
        net.drain();
        assertEquals(20, texts(b).size());
        // a GRAFT from the direct peer is refused
        net.logTraffic = true;
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(),
                List.of(new Graft(TOPIC)), List.of(), List.of())));
        assertFalse(a.router.meshPeers(TOPIC).contains(b.id));
        assertTrue(net.log.stream().anyMatch(e -> e.to().equals(b.id) && e.rpc().control() != null
                && !e.rpc().control().prune().isEmpty()), "the direct peer's GRAFT was not answered with PRUNE");
    }

    @Test
    void pruneWithPeerExchangeLeadsToConnectionsToTheOfferedPeers() {
        SimNetwork net = new SimNetwork(17);
        Node a = net.add(CONFIG, false);
        Node b = net.add(CONFIG, false);
        net.connect(a, b);
        joinAll(net, List.of(a, b));
        PeerId offered1 = SimNetwork.identity(new java.util.Random(1)).peerId();
        PeerId offered2 = SimNetwork.identity(new java.util.Random(2)).peerId();
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(), List.of(),
                List.of(new Prune(TOPIC, List.of(new ControlMessage.PeerInfo(offered1.bytes(), null),
                        new ControlMessage.PeerInfo(offered2.bytes(), null),
                        new ControlMessage.PeerInfo(a.id.bytes(), null)), 60L)), List.of())));
        assertEquals(java.util.Set.of(offered1, offered2), new java.util.HashSet<>(a.connectRequests),
                "peer exchange: connect to the offered peers, never to ourselves");
    }

    @Test
    void shortSeqnosOfJsFloodsubAreAcceptedAndReadAsNumbers() {
        SimNetwork net = new SimNetwork(15);
        Node a = net.add(CONFIG, true);
        Node b = net.add(CONFIG, true);
        net.connect(a, b);
        joinAll(net, List.of(a, b));
        byte[] seq = {1, 2, 3, 4, 5, 6, 7}; // a leading zero byte dropped, as js floodsub does
        RpcMessage signed = io.meshwork.libp2p.pubsub.internal.rpc.MessageSigning.sign(b.identity,
                new RpcMessage(b.id.bytes(), "short".getBytes(StandardCharsets.UTF_8), seq, TOPIC, null, null));
        a.router.handleRpc(b.id, new Rpc(List.of(), List.of(signed), null));
        assertEquals(List.of("short"), texts(a));
        assertEquals(0x01020304050607L, a.delivered.get(0).sequenceNumber());
        assertEquals(0, a.router.stats().rejected());
    }

    @Test
    void validatorVerdictsDecideDeliveryForwardingAndPenalty() {
        SimNetwork net = new SimNetwork(9);
        Node a = net.add(CONFIG, true);
        Node b = net.add(CONFIG, true);
        Node c = net.add(CONFIG, true);
        net.connect(a, b);
        net.connect(b, c);
        joinAll(net, List.of(a, b, c));
        Map<String, CompletableFuture<ValidationResult>> pending = new HashMap<>();
        b.validator = m -> pending.computeIfAbsent(new String(m.data(), StandardCharsets.UTF_8),
                k -> new CompletableFuture<>());
        publish(a, "good");
        publish(a, "bad");
        publish(a, "meh");
        net.drain();
        assertTrue(texts(b).isEmpty(), "delivered before validation finished");
        double before = b.score.score(a.id);
        pending.get("good").complete(ValidationResult.ACCEPT);
        pending.get("bad").complete(ValidationResult.REJECT);
        pending.get("meh").complete(ValidationResult.IGNORE);
        net.drain();
        assertEquals(List.of("good"), texts(b));
        assertEquals(List.of("good"), texts(c));
        assertTrue(b.score.score(a.id) < before, "no penalty for a rejected message");
        assertEquals(1, b.router.stats().ignored());
    }

    @Test
    void largeMessagesTriggerIDontWantAndPeersHonourIt() {
        SimNetwork net = new SimNetwork(10);
        Node a = net.add(CONFIG, false);
        Node b = net.add(CONFIG, false);
        Node c = net.add(CONFIG, false);
        net.connect(a, b);
        net.connect(b, c);
        net.connect(a, c);
        joinAll(net, List.of(a, b, c));
        net.logTraffic = true;
        a.router.publish(TOPIC, new byte[4096]).toCompletableFuture().join();
        net.drain();
        assertTrue(net.log.stream().anyMatch(e -> e.rpc().control() != null
                && !e.rpc().control().idontwant().isEmpty()), "no IDONTWANT for a 4 KiB message");
        for (Node n : List.of(b, c)) {
            assertEquals(1, n.delivered.size());
        }
        // small messages do not
        net.log.clear();
        publish(a, "small");
        net.drain();
        assertFalse(net.log.stream().anyMatch(e -> e.rpc().control() != null
                && !e.rpc().control().idontwant().isEmpty()));
    }

    @Test
    void floodsubPeersGetEverythingAndNoControl() {
        SimNetwork net = new SimNetwork(11);
        Node gossip = net.add(CONFIG, false);
        Node flood = net.add(CONFIG, false, PubSubProtocol.FLOODSUB);
        Node other = net.add(CONFIG, false);
        net.connect(gossip, flood);
        net.connect(gossip, other);
        joinAll(net, List.of(gossip, flood, other));
        net.logTraffic = true;
        net.heartbeats(3, HB);
        publish(other, "to floodsub");
        net.drain();
        assertEquals(List.of("to floodsub"), texts(flood));
        assertFalse(gossip.router.meshPeers(TOPIC).contains(flood.id), "a floodsub peer in the mesh");
        assertFalse(net.log.stream().anyMatch(e -> e.to().equals(flood.id) && e.rpc().control() != null),
                "control messages sent to a floodsub peer");
        publish(flood, "from floodsub");
        net.drain();
        assertEquals(List.of("to floodsub", "from floodsub"), texts(other)); // its own message, then flood's
    }

    @Test
    void ownMessagesComeBackNeverAndDuplicatesAreDropped() {
        SimNetwork net = new SimNetwork(12);
        List<Node> ring = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ring.add(net.add(CONFIG, false));
        }
        for (int i = 0; i < 6; i++) {
            net.connect(ring.get(i), ring.get((i + 1) % 6));
        }
        joinAll(net, ring);
        publish(ring.get(0), "once");
        net.drain();
        for (Node n : ring) {
            assertEquals(List.of("once"), texts(n));
        }
        assertTrue(ring.stream().mapToLong(n -> n.router.stats().duplicates()).sum() > 0);
    }

    @Test
    void leavingPrunesTheMeshWithTheUnsubscribeBackoff() {
        SimNetwork net = new SimNetwork(13);
        Node a = net.add(CONFIG, false);
        Node b = net.add(CONFIG, false);
        net.connect(a, b);
        joinAll(net, List.of(a, b));
        net.logTraffic = true;
        a.router.leave(TOPIC);
        net.drain();
        Prune prune = net.log.stream().filter(e -> e.from().equals(a.id) && e.rpc().control() != null)
                .flatMap(e -> e.rpc().control().prune().stream()).findFirst().orElseThrow();
        assertEquals(CONFIG.unsubscribeBackoff().toSeconds(), prune.backoffSeconds());
        assertFalse(b.router.meshPeers(TOPIC).contains(a.id));
        assertFalse(b.router.topicPeers(TOPIC).contains(a.id));
    }

    @Test
    void pendingValidationsAreBounded() {
        SimNetwork net = new SimNetwork(14);
        Node a = net.add(CONFIG, false);
        Node b = net.add(CONFIG, false);
        net.connect(a, b);
        joinAll(net, List.of(a, b));
        b.validator = m -> new CompletableFuture<>(); // never answers
        for (int i = 0; i < CONFIG.maxPendingValidations() + 10; i++) {
            publish(a, "v" + i);
        }
        net.drain();
        assertEquals(CONFIG.maxPendingValidations(), b.router.stats().pendingValidations());
        assertEquals(10, b.router.stats().validationThrottled());
    }

}
