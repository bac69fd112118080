package io.meshwork.libp2p.kad.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.RoutingException;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.kad.internal.engine.SimNetwork.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Networks of in-memory engines in virtual time: lookups, values with quorum, providers, churn. */
class KadNetworkTest {

    private static Validators validators() {
        Validators v = new Validators();
        v.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
        v.add(SignedRecord.NAMESPACE, new SignedRecordValidator());
        return v;
    }

    /** {@code count} nodes, each bootstrapped from node 0 alone, then refreshed once. */
    private static SimNetwork bootstrapped(int count) {
        SimNetwork net = new SimNetwork(count, KadEngine.Config.defaults(), validators());
        Node first = net.list.get(0);
        for (Node n : net.list.subList(1, count)) {
            n.bootstrapFrom(first);
            net.scheduler.await(n.engine.refresh());
        }
        return net;
    }

    private static byte[] record(Node owner, String name, long seq, String data) {
        byte[] key = SignedRecord.key(owner.id, name);
        return SignedRecord.seal(owner.key.publicKey(), owner.key::sign, key, seq,
                data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fiftyNodesBootstrappedFromOneFindEveryOtherByPeerId() {
        SimNetwork net = bootstrapped(50);
        int found = 0;
        long before = net.messages;
        for (Node a : net.list) {
            for (Node b : net.list) {
                if (a == b) {
                    continue;
                }
                List<Multiaddr> addrs = net.scheduler.await(a.engine.findPeer(b.id));
                assertEquals(List.of(b.address), addrs, a.id + " looking for " + b.id);
                found++;
            }
        }
        assertEquals(50 * 49, found);
        double perLookup = (double) (net.messages - before) / found;
        assertTrue(perLookup < 25, "messages per lookup: " + perLookup);
        System.out.printf("50 nodes: %d lookups, %.1f requests per lookup%n", found, perLookup);
    }

    @Test
    void putGetWithQuorumAndNewestRecordWins() {
        SimNetwork net = bootstrapped(50);
        Node owner = net.list.get(5);
        byte[] key = SignedRecord.key(owner.id, "presence");
        int stored = net.scheduler.await(owner.engine.put(key, record(owner, "presence", 1, "v1")));
        assertEquals(20, stored, "the k closest nodes store it");
        byte[] got = net.scheduler.await(net.list.get(30).engine.get(key, 3));
        assertEquals("v1", new String(open(key, got).data(), StandardCharsets.UTF_8));

        // a newer record replaces it; a stale one put afterwards does not win
        net.scheduler.await(owner.engine.put(key, record(owner, "presence", 2, "v2")));
        net.scheduler.await(net.list.get(7).engine.put(key, record(owner, "presence", 1, "v1")));
        for (int i : new int[] {1, 17, 44}) {
            byte[] best = net.scheduler.await(net.list.get(i).engine.get(key, 5));
            assertEquals(2, open(key, best).seq(), "node " + i);
        }
    }

    @Test
    void recordsSurviveAThirdOfTheNodesLeaving() {
        SimNetwork net = bootstrapped(50);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Node owner = net.list.get(1 + i * 4);
            byte[] key = SignedRecord.key(owner.id, "r" + i);
            net.scheduler.await(owner.engine.put(key, record(owner, "r" + i, 1, "data" + i)));
            keys.add(key);
        }
        // a third leave at once, the first node (everyone's bootstrap) among them
        List<Node> gone = new ArrayList<>();
        for (int i = 0; i < 50; i += 3) {
            net.list.get(i).online = false;
            gone.add(net.list.get(i));
        }
        assertEquals(17, gone.size());
        for (Node reader : net.list) {
            if (!reader.online) {
                continue;
            }
            for (int i = 0; i < keys.size(); i++) {
                byte[] v = net.scheduler.await(reader.engine.get(keys.get(i), 2));
                assertEquals("data" + i, new String(open(keys.get(i), v).data(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void providersAreFoundFromAnywhere() {
        SimNetwork net = bootstrapped(50);
        byte[] content = Keys.hash("some content".getBytes());
        assertEquals(20, (int) net.scheduler.await(net.list.get(8).engine.provide(content)));
        assertTrue(net.scheduler.await(net.list.get(9).engine.provide(content)) > 0);
        List<PeerInfo> found = net.scheduler.await(net.list.get(40).engine.findProviders(content, 2));
        assertEquals(2, found.size());
        assertTrue(found.stream().anyMatch(p -> p.peer().equals(net.list.get(8).id)
                && p.addresses().equals(List.of(net.list.get(8).address))));
        assertTrue(found.stream().anyMatch(p -> p.peer().equals(net.list.get(9).id)));
    }

    @Test
    void clientModeNodesLookUpButStayOutOfTables() {
        SimNetwork net = new SimNetwork(20, KadEngine.Config.defaults(), validators());
        Node client = net.list.get(19);
        client.server = false;
        for (Node n : net.list.subList(1, 20)) {
            n.bootstrapFrom(net.list.get(0));
            net.scheduler.await(n.engine.refresh());
        }
        for (Node n : net.list) {
            if (n != client) {
                assertFalse(net.scheduler.await(n.engine.table()).stream().flatMap(List::stream)
                        .anyMatch(e -> e.peer().equals(client.id)), "client in the table of " + n.id);
            }
        }
        assertEquals(List.of(net.list.get(7).address), net.scheduler.await(client.engine.findPeer(net.list.get(7).id)));
    }

    @Test
    void aClientBehindNatIsFoundAtItsRelayCircuitAddress() {
        SimNetwork net = bootstrapped(30);
        Node relay = net.list.get(0);
        Node natted = net.list.get(29);
        // the NATed node is in client mode, reachable only through the relay, and connected to it alone
        for (Node n : net.list) {
            net.scheduler.await(n.engine.table()); // settle
            n.engine.removePeer(natted.id);
            n.book.remove(natted.id);
            n.connected.remove(natted.id);
        }
        natted.server = false;
        natted.connected.clear();
        natted.address = Multiaddr.parse(relay.address + "/p2p/" + relay.id + "/p2p-circuit");
        natted.connected.add(relay.id);
        relay.connected.add(natted.id);
        // its periodic self-lookup connects it to the peers closest to its ID, which then answer for it
        net.scheduler.await(natted.engine.refresh());
        for (Node asker : List.of(net.list.get(3), net.list.get(17), net.list.get(28))) {
            assertEquals(List.of(natted.address), net.scheduler.await(asker.engine.findPeer(natted.id)),
                    "found by " + asker.id);
        }
    }

    @Test
    void invalidRecordsAndUnknownNamespacesAreRefused() {
        SimNetwork net = bootstrapped(10);
        Node a = net.list.get(1);
        Node b = net.list.get(2);
        CompletableFuture<Integer> forged = a.engine.put(SignedRecord.key(b.id, "x"), record(a, "x", 1, "d")
                .clone());
        assertRouting(net, forged, "invalid record");
        assertRouting(net, a.engine.put("/other/k".getBytes(), new byte[] {1}), "no validator");
        // a /pk/ record names the key's own peer
        byte[] pkKey = pkKey(a.id);
        assertTrue(net.scheduler.await(a.engine.put(pkKey, a.key.publicKey().marshal())) > 0);
        assertArrayEquals(a.key.publicKey().marshal(), net.scheduler.await(net.list.get(9).engine.get(pkKey, 2)));
        assertRouting(net, a.engine.put(pkKey, b.key.publicKey().marshal()), "not of the peer");
    }

    @Test
    void unknownPeerFailsWithAClearErrorAfterTheLookup() {
        SimNetwork net = bootstrapped(10);
        PeerId stranger = PeerId.fromPublicKey(SimNetwork.key(999).publicKey());
        assertRouting(net, net.list.get(3).engine.findPeer(stranger), "not found");
    }

    @Test
    void deadPeersTimeOutAndLeaveTheTable() {
        SimNetwork net = bootstrapped(10);
        Node dead = net.list.get(4);
        dead.online = false;
        Node asker = net.list.get(5);
        long t0 = net.scheduler.nowMillis();
        net.scheduler.await(asker.engine.findPeer(net.list.get(6).id));
        net.scheduler.await(asker.engine.closestPeers(dead.id.bytes()));
        assertTrue(net.scheduler.nowMillis() - t0 >= asker.engine.config().requestTimeoutMs(),
                "one request waited for the timeout");
        assertFalse(net.scheduler.await(asker.engine.table()).stream().flatMap(List::stream)
                .anyMatch(e -> e.peer().equals(dead.id)));
    }

    static byte[] pkKey(PeerId id) {
        byte[] idb = id.bytes();
        byte[] k = new byte[4 + idb.length];
        System.arraycopy("/pk/".getBytes(StandardCharsets.US_ASCII), 0, k, 0, 4);
        System.arraycopy(idb, 0, k, 4, idb.length);
        return k;
    }

    private static SignedRecord open(byte[] key, byte[] value) {
        try {
            return SignedRecord.open(key, value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRouting(SimNetwork net, CompletableFuture<?> f, String text) {
        net.scheduler.runUntil(f::isDone, 3_600_000);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, f::join);
        assertInstanceOf(RoutingException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(text), e.getCause().getMessage());
    }
}
