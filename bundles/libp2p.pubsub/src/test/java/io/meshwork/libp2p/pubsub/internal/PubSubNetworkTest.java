package io.meshwork.libp2p.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.testing.TestNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many real nodes in one JVM (TCP on loopback, Noise, Yamux) running the pubsub component end to end. */
class PubSubNetworkTest {

    private static final String TOPIC = "meshwork/network-test";
    private final List<Member> members = new ArrayList<>();

    /** A node with pubsub and a listener that counts what arrives. */
    static final class Member implements AutoCloseable {
        final TestNode node;
        final PubSubImpl pubsub;
        final Set<Integer> received = ConcurrentHashMap.newKeySet();
        final AtomicInteger deliveries = new AtomicInteger();
        boolean alive = true;

        Member(String name, Map<String, Object> config) {
            node = TestNode.create(name);
            pubsub = new PubSubImpl(node.host, node.identity, BenchAccess.config(PubSubConfig.class, config));
            node.addHandler(pubsub, true, PubSubImpl.PROTOCOLS).addConnectionListener(pubsub).listen();
        }

        void subscribe() {
            pubsub.subscribe(TOPIC, this::onMessage);
        }

        private void onMessage(PubSubMessage m) {
            deliveries.incrementAndGet();
            received.add(ByteBuffer.wrap(m.data()).getInt());
        }

        @Override
        public void close() {
            alive = false;
            pubsub.close();
            node.close();
        }
    }

    @AfterEach
    void stopAll() {
        for (Member m : members) {
            if (m.alive) {
                m.close();
            }
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        await(() -> what, timeout, condition);
    }

    private static void await(java.util.function.Supplier<String> what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for: " + what.get());
            }
            Thread.sleep(20);
        }
    }

    private static boolean connectedWithout(Map<Integer, Set<Integer>> edges, int n, Set<Integer> removed) {
        int start = -1;
        for (int i = 0; i < n; i++) {
            if (!removed.contains(i)) {
                start = i;
                break;
            }
        }
        Set<Integer> seen = new HashSet<>(List.of(start));
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            for (int next : edges.get(todo.poll())) {
                if (!removed.contains(next) && seen.add(next)) {
                    todo.add(next);
                }
            }
        }
        return seen.size() == n - removed.size();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twentyNodesDeliverEveryMessageExactlyOnceEvenWhenFiveDie() throws Exception {
        int n = 20;
        Random random = new Random(42);
        Map<String, Object> config = Map.of("heartbeat_interval_ms", 200L);
        for (int i = 0; i < n; i++) {
            members.add(new Member("node" + i, config));
        }
        // random connected topology: a random tree plus random extra edges (average degree about 6)
        Map<Integer, Set<Integer>> edges = new HashMap<>();
        for (int i = 0; i < n; i++) {
            edges.put(i, new HashSet<>());
        }
        for (int i = 1; i < n; i++) {
            int j = random.nextInt(i);
            edges.get(i).add(j);
            edges.get(j).add(i);
        }
        for (int k = 0; k < 2 * n; k++) {
            int a = random.nextInt(n);
            int b = random.nextInt(n);
            if (a != b) {
                edges.get(a).add(b);
                edges.get(b).add(a);
            }
        }
        // five victims whose loss keeps the survivors connected; they forward but do not publish
        Set<Integer> victims;
        do {
            victims = new HashSet<>();
            while (victims.size() < 5) {
                victims.add(random.nextInt(n));
            }
        } while (!connectedWithout(edges, n, victims));

        members.forEach(Member::subscribe);
        for (int a = 0; a < n; a++) {
            for (int b : edges.get(a)) {
                if (a < b) {
                    members.get(a).node.host.connect(members.get(b).node.address()).toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
                }
            }
        }
        await("every node sees its neighbours on the topic", Duration.ofSeconds(20), () -> {
            for (int a = 0; a < n; a++) {
                if (members.get(a).pubsub.peers(TOPIC).size() < edges.get(a).size()) {
                    return false;
                }
            }
            return true;
        });

        List<Integer> publishers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!victims.contains(i)) {
                publishers.add(i);
            }
        }
        int total = 1000;
        for (int i = 0; i < total; i++) {
            if (i == total / 2) {
                for (int v : victims) {
                    members.get(v).close();
                }
            }
            Member from = members.get(publishers.get(random.nextInt(publishers.size())));
            from.pubsub.publish(TOPIC, ByteBuffer.allocate(64).putInt(i).array());
            if (i % 10 == 0) {
                Thread.sleep(2);
            }
        }
        await(() -> "every survivor has all " + total + " messages; they have " + publishers.stream()
                .map(p -> members.get(p).node.name + "=" + members.get(p).received.size() + " "
                        + members.get(p).pubsub.stats())
                .toList(), Duration.ofSeconds(30), () -> publishers.stream()
                .allMatch(p -> members.get(p).received.size() == total));
        Thread.sleep(500); // late duplicates would show up now
        for (int p : publishers) {
            Member m = members.get(p);
            assertEquals(total, m.received.size(), m.node.name);
            assertEquals(total, m.deliveries.get(), m.node.name + " got duplicates");
        }
        long dropped = publishers.stream().mapToLong(p -> (Long) members.get(p).pubsub.stats().get("sendDropped"))
                .sum();
        assertEquals(0, dropped, "send queues overflowed");
        // signatures were checked with the authors' key tables, built once per author: only the copies of an
        // author's first messages that arrive before its table is ready take the plain path
        for (int p : publishers) {
            Map<String, Object> stats = members.get(p).pubsub.stats();
            long plain = (Long) stats.get("sigChecksPlain");
            long tabled = (Long) stats.get("sigChecksKeyTable");
            long built = (Long) stats.get("sigKeyTablesBuilt");
            assertTrue(tabled > 3 * plain && built <= publishers.size(), members.get(p).node.name + ": " + stats);
        }
        assertTrue(publishers.stream().allMatch(p -> members.get(p).pubsub.meshPeers(TOPIC).size() >= 1));
    }

    /**
     * RPCs that pile up while the router is busy leave in few writes, as merged RPCs (many messages each), and
     * arrive complete and in order; a lone message afterwards still goes at once.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBacklogLeavesInFewMergedRpcsInOrder() throws Exception {
        Member a = new Member("a", Map.of());
        Member b = new Member("b", Map.of());
        members.add(a);
        members.add(b);
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        a.subscribe();
        b.pubsub.subscribe(TOPIC, m -> order.add(ByteBuffer.wrap(m.data()).getInt()));
        a.node.host.connect(b.node.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await("a has b in its mesh", Duration.ofSeconds(20), () -> a.pubsub.meshPeers(TOPIC).contains(b.node.peerId()));

        long sent0 = (Long) a.pubsub.stats().get("rpcsSent");
        long writes0 = (Long) a.pubsub.stats().get("streamWrites");
        long received0 = (Long) b.pubsub.stats().get("rpcsReceived");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        a.pubsub.onRouter(() -> {
            try {
                release.await(); // the router is busy: publications queue up behind this task
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int n = 300;
        List<java.util.concurrent.CompletableFuture<?>> published = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            published.add(a.pubsub.publish(TOPIC, ByteBuffer.allocate(200).putInt(i).array()).toCompletableFuture());
        }
        release.countDown();
        for (var f : published) {
            f.get(10, TimeUnit.SECONDS);
        }
        await(() -> "b has all " + n + " messages; it has " + order.size(), Duration.ofSeconds(20),
                () -> order.size() == n);
        for (int i = 0; i < n; i++) {
            assertEquals(i, order.get(i), "order");
        }
        long rpcs = (Long) a.pubsub.stats().get("rpcsSent") - sent0;
        long writes = (Long) a.pubsub.stats().get("streamWrites") - writes0;
        long read = (Long) b.pubsub.stats().get("rpcsReceived") - received0;
        // 300 × ~300 B fit in two RPCs of at most 64 KiB; allow some for heartbeats and the write still in flight
        assertTrue(rpcs <= 10 && writes <= rpcs && read <= 10, "rpcs " + rpcs + ", writes " + writes
                + ", read " + read);

        // a lone message is not held back
        long before = System.nanoTime();
        a.pubsub.publish(TOPIC, ByteBuffer.allocate(4).putInt(n).array()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await("the lone message arrives", Duration.ofSeconds(5), () -> order.size() == n + 1);
        assertEquals(n, order.get(n));
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(2));
    }
}
