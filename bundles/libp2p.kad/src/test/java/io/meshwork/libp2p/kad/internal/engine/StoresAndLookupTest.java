package io.meshwork.libp2p.kad.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.InvalidRecordException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing table, the lookup state machine and the bounded stores on their own. */
class StoresAndLookupTest {

    private static List<PeerId> peers(int n, int from) {
        List<PeerId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(PeerId.fromPublicKey(SimNetwork.key(from + i).publicKey()));
        }
        return out;
    }

    @Test
    void routingTableBucketsByPrefixAndKeepsAtMostKPerBucket() {
        PeerId self = peers(1, 0).get(0);
        RoutingTable t = new RoutingTable(self, 2);
        List<PeerId> all = peers(40, 1);
        int added = 0;
        for (PeerId p : all) {
            if (t.add(p, 1)) {
                added++;
            }
        }
        assertEquals(added, t.size());
        t.buckets().forEach(b -> assertTrue(b.size() <= 2));
        assertTrue(added < 40, "half the peers share bucket 0: it fills up");
        assertFalse(t.add(self, 1));
        // closest is sorted by XOR distance
        byte[] target = Keys.hash(all.get(5).bytes());
        List<PeerId> closest = t.closest(target, 5);
        Comparator<byte[]> order = Keys.byDistanceTo(target);
        for (int i = 1; i < closest.size(); i++) {
            assertTrue(order.compare(Keys.hash(closest.get(i - 1).bytes()), Keys.hash(closest.get(i).bytes())) < 0);
        }
        PeerId gone = closest.get(0);
        assertTrue(t.remove(gone));
        assertFalse(t.contains(gone));
    }

    @Test
    void lookupKeepsAlphaInFlightAndEndsWhenTheKClosestAnswered() {
        PeerId self = peers(1, 0).get(0);
        List<PeerId> all = peers(30, 100);
        byte[] target = Keys.hash("target".getBytes());
        Lookup l = new Lookup(target, 3, 2, self);
        l.addCandidates(all.subList(0, 10));
        List<PeerId> first = l.next();
        assertEquals(2, first.size(), "alpha");
        assertTrue(l.next().isEmpty(), "no more while two are in flight");
        assertFalse(l.isDone());
        l.failed(first.get(0));
        l.succeeded(first.get(1), all.subList(10, 30));
        int rounds = 0;
        while (!l.isDone()) {
            List<PeerId> next = l.next();
            assertTrue(l.inFlight() <= 2);
            for (PeerId p : next) {
                l.succeeded(p, List.of());
            }
            assertTrue(++rounds < 50);
        }
        List<PeerId> best = l.closestSucceeded(3);
        assertEquals(3, best.size());
        // the three answered peers are the three closest of all the non-failed candidates
        List<PeerId> expected = new ArrayList<>(all);
        expected.remove(first.get(0));
        Comparator<byte[]> order = Keys.byDistanceTo(target);
        expected.sort((a, b) -> order.compare(Keys.hash(a.bytes()), Keys.hash(b.bytes())));
        assertEquals(expected.subList(0, 3), best);
        assertTrue(l.queried() < 30, "did not ask everyone: " + l.queried());
    }

    @Test
    void recordStoreIsBoundedByCountAndBytesAndExpires() {
        RecordStore s = new RecordStore(2, 100, 1000);
        s.put("/a".getBytes(), new byte[10], 0);
        s.put("/b".getBytes(), new byte[10], 0);
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> s.put("/c".getBytes(), new byte[1], 0));
        assertTrue(full.getMessage().contains("2 records"), full.getMessage());
        s.put("/a".getBytes(), new byte[20], 0); // an update is fine
        assertEquals(2 + 20 + 2 + 10, s.bytes());
        assertThrows(IllegalStateException.class, () -> s.put("/a".getBytes(), new byte[100], 0));
        assertEquals(2, s.expire(1001));
        assertEquals(0, s.bytes());
        assertEquals(null, s.get("/a".getBytes(), 1001));
    }

    @Test
    void providerStoreExpiresAndBoundsPerKeyAndInTotal() {
        List<PeerId> p = peers(5, 300);
        ProviderStore s = new ProviderStore(4, 2, 1000);
        byte[] k = {1};
        s.add(k, p.get(0), 0);
        s.add(k, p.get(1), 10);
        s.add(k, p.get(2), 20); // replaces the oldest for this key
        assertEquals(List.of(p.get(1), p.get(2)), s.get(k, 30));
        s.add(new byte[] {2}, p.get(3), 0);
        s.add(new byte[] {3}, p.get(4), 0);
        assertThrows(IllegalStateException.class, () -> s.add(new byte[] {4}, p.get(0), 0));
        assertEquals(List.of(), s.get(new byte[] {2}, 1000), "expired at its TTL");
        s.add(new byte[] {4}, p.get(0), 1001); // expiry of the two records stored at 0 made room
        assertEquals(3, s.size());
    }

    @Test
    void validatorsParseNamespacesAndRefuseUnknownOnes() throws Exception {
        Validators v = new Validators();
        v.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
        assertEquals("pk", Validators.namespace("/pk/x".getBytes()));
        for (String bad : new String[] {"pk/x", "//x", "/pk", ""}) {
            assertThrows(InvalidRecordException.class, () -> Validators.namespace(bad.getBytes()), bad);
        }
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> v.validate("/ipns/x".getBytes(), new byte[1]));
        assertTrue(e.getMessage().contains("'ipns'"), e.getMessage());
        PeerId id = peers(1, 7).get(0);
        byte[] key = KadNetworkTest.pkKey(id);
        v.validate(key, SimNetwork.key(7).publicKey().marshal());
        assertThrows(InvalidRecordException.class, () -> v.validate(key, new byte[] {1, 2, 3}));
    }
}
