package io.meshwork.it.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.benchmarks.system.NodeProcess;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.PubSubPeer;
import io.meshwork.libp2p.api.pubsub.ValidationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Live GossipSub and floodsub interop between Meshwork's pubsub router ({@code PubSubImpl}, assembled with a real
 * host in this JVM by {@link JavaPeer#startWithPubSub}) and js-libp2p's ({@code @libp2p/gossipsub} 17.1.1,
 * {@code @libp2p/floodsub} 11.0.28, run by {@code interop-js/node-peer.mjs --pubsub ...}) over loopback. Every node
 * uses the message id {@code from ‖ seqno} and StrictSign.
 *
 * <p>Each test builds its own small network and tears it down: (a) a mixed mesh of three js and three Java nodes,
 * everyone publishing, everyone receiving every other node's messages exactly once; (b) Java as the only path between
 * two js nodes, and js as the only path between two Java nodes; (c) validation on the path: a Java validator stops a
 * js message from reaching the far js node while other js messages pass, a js validator stops a Java message from
 * reaching the far Java node likewise;
 * (d) floodsub both ways (Java floodsub-only ↔ js floodsub; Java gossipsub falling back to floodsub with js floodsub).
 * Waits are bounded; failures list what was missing or duplicated and end with the js nodes' output tails. Skipped
 * when {@code node} is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JsGossipInteropIT {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(20);
    private static final Duration MESH = Duration.ofSeconds(20);
    /** After the last good message arrived: how long a rejected one gets to show up anyway. */
    private static final Duration GRACE = Duration.ofMillis(2500);

    private Path dir;
    /** Everything the current test started, closed after it in reverse order. */
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<JsNode> jsNodes = new ArrayList<>();

    @BeforeAll
    void checkNode() throws Exception {
        if (!InteropEnvironment.commandWorks("node", "--version")) {
            System.out.println("[interop] SKIPPED JsGossipInteropIT: node not found: js-libp2p interop skipped");
            Assumptions.abort("node not found: js-libp2p interop skipped");
        }
        dir = InteropEnvironment.interopDir();
        InteropEnvironment.installDependencies(dir);
    }

    @AfterEach
    void closeAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.out.println("[interop] closing " + started.get(i) + ": " + e);
            }
        }
        started.clear();
        jsNodes.clear();
    }

    // ------------------------------------------------------------------ a. mixed mesh

    @Test
    void mixedMeshEveryoneGetsEveryMessageOnce() throws Exception {
        String topic = "mixed-mesh";
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(js("js" + i, "gossipsub"));
            nodes.add(java("java" + i, Map.of()));
        }
        // a ring js0-java0-js1-java1-js2-java2-js0 (every hop crosses implementations) plus two chords, so
        // messages arrive over several paths and duplicates must be suppressed
        List<Node[]> links = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            links.add(new Node[] {nodes.get(i), nodes.get((i + 1) % nodes.size())});
        }
        links.add(new Node[] {nodes.get(0), nodes.get(3)}); // js0 - java1
        links.add(new Node[] {nodes.get(1), nodes.get(4)}); // java0 - js2
        for (Node[] l : links) {
            connect(l[0], l[1]);
        }
        for (Node n : nodes) {
            n.subscribe(topic);
        }
        Map<Node, Set<Node>> neighbours = new LinkedHashMap<>();
        for (Node[] l : links) {
            neighbours.computeIfAbsent(l[0], k -> new LinkedHashSet<>()).add(l[1]);
            neighbours.computeIfAbsent(l[1], k -> new LinkedHashSet<>()).add(l[0]);
        }
        awaitMeshes(topic, neighbours);

        int perNode = 20;
        Map<Node, List<String>> sent = new LinkedHashMap<>();
        for (int i = 0; i < perNode; i++) {
            for (Node n : nodes) {
                String payload = "mesh " + n.name() + " #" + i;
                n.publish(topic, payload);
                sent.computeIfAbsent(n, k -> new ArrayList<>()).add(payload);
            }
        }
        for (Node n : nodes) {
            List<String> expected = new ArrayList<>();
            sent.forEach((from, payloads) -> {
                if (from != n) {
                    expected.addAll(payloads);
                }
            });
            n.inbox(topic).awaitAll(expected, DELIVERY, n + " in the mixed mesh", this::diagnostics);
        }
        Thread.sleep(1500); // late duplicates (gossip, slow paths) get time to show
        for (Node n : nodes) {
            n.inbox(topic).assertNoDuplicates(n + " in the mixed mesh", this::diagnostics);
            n.inbox(topic).assertOnly(sent.entrySet().stream().filter(e -> e.getKey() != n)
                    .flatMap(e -> e.getValue().stream()).collect(Collectors.toSet()), n + " in the mixed mesh",
                    this::diagnostics);
        }
    }

    // ------------------------------------------------------------------ b. the only path

    @Test
    void javaIsTheOnlyPathBetweenTwoJsNodes() throws Exception {
        String topic = "java-in-the-middle";
        Node a = js("jsA", "gossipsub");
        Node middle = java("javaM", Map.of());
        Node b = js("jsB", "gossipsub");
        onlyPath(topic, a, middle, b);
    }

    @Test
    void jsIsTheOnlyPathBetweenTwoJavaNodes() throws Exception {
        String topic = "js-in-the-middle";
        Node a = java("javaA", Map.of());
        Node middle = js("jsM", "gossipsub");
        Node b = java("javaB", Map.of());
        onlyPath(topic, a, middle, b);
    }

    /** a—middle—b: a's messages reach b and b's reach a, each exactly once, forwarded by middle. */
    private void onlyPath(String topic, Node a, Node middle, Node b) throws Exception {
        connect(a, middle);
        connect(middle, b);
        for (Node n : List.of(a, middle, b)) {
            n.subscribe(topic);
        }
        awaitMeshes(topic, Map.of(a, Set.of(middle), middle, Set.of(a, b), b, Set.of(middle)));
        List<String> fromA = new ArrayList<>();
        List<String> fromB = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fromA.add(a.name() + " via " + middle.name() + " #" + i);
            fromB.add(b.name() + " via " + middle.name() + " #" + i);
            a.publish(topic, fromA.get(i));
            b.publish(topic, fromB.get(i));
        }
        String what = "through " + middle + " only";
        b.inbox(topic).awaitAll(fromA, DELIVERY, b + " " + what, this::diagnostics);
        a.inbox(topic).awaitAll(fromB, DELIVERY, a + " " + what, this::diagnostics);
        List<String> both = new ArrayList<>(fromA);
        both.addAll(fromB);
        middle.inbox(topic).awaitAll(both, DELIVERY, middle + " (the middle)", this::diagnostics);
        Thread.sleep(1000);
        for (Node n : List.of(a, middle, b)) {
            n.inbox(topic).assertNoDuplicates(n + " " + what, this::diagnostics);
        }
        // the far node got them from the middle, not from somewhere else
        b.inbox(topic).assertReceivedFromOnly(middle, b + " " + what, this::diagnostics);
        a.inbox(topic).assertReceivedFromOnly(middle, a + " " + what, this::diagnostics);
    }

    // ------------------------------------------------------------------ c. validation on the path

    @Test
    void javaValidatorStopsAJsMessageOnItsWayToJs() throws Exception {
        String topic = "java-validates";
        Node a = js("jsA", "gossipsub");
        Node x = js("jsX", "gossipsub");
        JavaNode middle = java("javaM", Map.of());
        Node b = js("jsB", "gossipsub");
        String bad = "rejected by Java";
        AtomicInteger validated = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        middle.peer.pubsub().addValidator(topic, m -> {
            validated.incrementAndGet();
            boolean isBad = text(m).equals(bad);
            if (isBad) {
                rejected.incrementAndGet();
            }
            return CompletableFuture.completedFuture(isBad ? ValidationResult.REJECT : ValidationResult.ACCEPT);
        });
        validatedPath(topic, a, x, middle, b, bad);
        assertTrue(rejected.get() >= 1, "the Java validator never rejected anything (validated " + validated.get()
                + " messages)");
    }

    @Test
    void jsValidatorStopsAJavaMessageOnItsWayToJava() throws Exception {
        String topic = "js-validates";
        Node a = java("javaA", Map.of());
        Node x = java("javaX", Map.of());
        JsNode middle = js("jsM", "gossipsub");
        Node b = java("javaB", Map.of());
        String bad = "rejected by js";
        middle.node.call("setValidator", Map.of("topic", topic, "reject", List.of(base64(bad))), CALL);
        validatedPath(topic, a, x, middle, b, bad);
    }

    /**
     * a—middle—b and x—middle, middle rejects {@code bad}: a publishes good, x publishes bad, a publishes good twice
     * more; b gets all good ones, and neither b nor middle's own subscription ever see the bad one.
     *
     * <p>The bad message comes from its own author x because a rejection costs the peer that sent it (P4): with
     * Meshwork's chat-default scoring one invalid message graylists that peer for a while, which would silence a's
     * later good messages too.
     */
    private void validatedPath(String topic, Node a, Node x, Node middle, Node b, String bad) throws Exception {
        connect(a, middle);
        connect(x, middle);
        connect(middle, b);
        for (Node n : List.of(a, x, middle, b)) {
            n.subscribe(topic);
        }
        awaitMeshes(topic, Map.of(a, Set.of(middle), x, Set.of(middle), middle, Set.of(a, x, b), b,
                Set.of(middle)));
        List<String> good = List.of("good before", "good after", "good last");
        a.publish(topic, good.get(0));
        x.publish(topic, bad);
        a.publish(topic, good.get(1));
        Thread.sleep(200);
        a.publish(topic, good.get(2));
        String what = "behind validating " + middle;
        b.inbox(topic).awaitAll(good, DELIVERY, b + " " + what, this::diagnostics);
        middle.inbox(topic).awaitAll(good, DELIVERY, middle + " (validating)", this::diagnostics);
        Thread.sleep(GRACE.toMillis()); // a heartbeat or two: gossip (IHAVE/IWANT) must not bring it either
        b.inbox(topic).assertAbsent(bad, b + " " + what, this::diagnostics);
        middle.inbox(topic).assertAbsent(bad, middle + " (its own validator rejected it)", this::diagnostics);
        b.inbox(topic).assertNoDuplicates(b + " " + what, this::diagnostics);
    }

    // ------------------------------------------------------------------ d. floodsub

    @Test
    void floodsubBothWays() throws Exception {
        String topic = "floodsub";
        JavaNode j = java("javaFlood", Map.of("floodsub_only", Boolean.TRUE));
        JsNode f = js("jsFlood", "floodsub");
        connect(j, f); // Java dials
        JavaNode j2 = java("javaFlood2", Map.of("floodsub_only", Boolean.TRUE));
        connect(f, j2); // js dials
        for (Node n : List.of(j, f, j2)) {
            n.subscribe(topic);
        }
        awaitTopicPeers(topic, Map.of(j, Set.of(f), f, Set.of(j, j2), j2, Set.of(f)));
        assertProtocol(j, f, "/floodsub/1.0.0");
        assertProtocol(j2, f, "/floodsub/1.0.0");
        floodExchange(topic, j, f, j2);
    }

    @Test
    void javaGossipsubFallsBackToFloodsubWithJsFloodsub() throws Exception {
        String topic = "fallback";
        JavaNode j = java("javaGossip", Map.of());
        JsNode f = js("jsFlood", "floodsub");
        connect(j, f);
        JavaNode j2 = java("javaGossip2", Map.of());
        connect(f, j2);
        for (Node n : List.of(j, f, j2)) {
            n.subscribe(topic);
        }
        awaitTopicPeers(topic, Map.of(j, Set.of(f), f, Set.of(j, j2), j2, Set.of(f)));
        assertProtocol(j, f, "/floodsub/1.0.0");
        assertProtocol(j2, f, "/floodsub/1.0.0");
        floodExchange(topic, j, f, j2);
    }

    /** Java j ↔ js f ↔ Java j2: everyone publishes; everyone else gets it once (js floodsub forwards j's to j2). */
    private void floodExchange(String topic, Node j, Node f, Node j2) throws Exception {
        List<String> fromJ = new ArrayList<>();
        List<String> fromF = new ArrayList<>();
        List<String> fromJ2 = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fromJ.add(j.name() + " flood #" + i);
            fromF.add(f.name() + " flood #" + i);
            fromJ2.add(j2.name() + " flood #" + i);
            j.publish(topic, fromJ.get(i));
            f.publish(topic, fromF.get(i));
            j2.publish(topic, fromJ2.get(i));
        }
        f.inbox(topic).awaitAll(concat(fromJ, fromJ2), DELIVERY, f + " (js floodsub)", this::diagnostics);
        j.inbox(topic).awaitAll(concat(fromF, fromJ2), DELIVERY, j + " (Java)", this::diagnostics);
        j2.inbox(topic).awaitAll(concat(fromF, fromJ), DELIVERY, j2 + " (Java)", this::diagnostics);
        Thread.sleep(1000);
        for (Node n : List.of(j, f, j2)) {
            n.inbox(topic).assertNoDuplicates(n + " (floodsub)", this::diagnostics);
        }
    }

    private void assertProtocol(JavaNode j, JsNode f, String protocol) throws Exception {
        PeerId jsPeer = PeerId.parse(f.node.peerId());
        String got = null;
        long deadline = System.nanoTime() + MESH.toNanos();
        while (System.nanoTime() < deadline) {
            for (PubSubPeer p : j.peer.pubsub().peers()) {
                if (p.peer().equals(jsPeer)) {
                    got = p.protocol();
                }
            }
            if (got != null) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(protocol, got, j + " should speak " + protocol + " with " + f + "; its pubsub peers: "
                + j.peer.pubsub().peers());
    }

    // ------------------------------------------------------------------ network helpers

    private JsNode js(String name, String kind) throws IOException {
        NodeProcess p = NodeProcess.start(dir, "node-peer.mjs", Duration.ofSeconds(30), "--pubsub", kind);
        started.add(p);
        JsNode n = new JsNode(name, p);
        jsNodes.add(n);
        System.out.printf("[interop] %s: js %s %s (pid %d)%n", name, kind, p.peerId(), p.pid());
        return n;
    }

    private JavaNode java(String name, Map<String, Object> config) {
        JavaPeer p = JavaPeer.startWithPubSub(name, config);
        started.add(p);
        System.out.printf("[interop] %s: Java %s at %s%n", name, p.peerId(), p.address());
        return new JavaNode(name, p);
    }

    /** {@code from} dials {@code to}. */
    private static void connect(Node from, Node to) throws Exception {
        if (from instanceof JavaNode j) {
            j.peer.host().connect(Multiaddr.parse(to.address())).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } else {
            ((JsNode) from).node.call("dial", Map.of("addr", to.address()), CALL);
        }
    }

    /** Waits until every node has exactly its expected neighbours among the topic's peers and in its mesh. */
    private void awaitMeshes(String topic, Map<Node, Set<Node>> expected) throws Exception {
        awaitTopicPeers(topic, expected);
        awaitState(topic, expected, true);
    }

    private void awaitTopicPeers(String topic, Map<Node, Set<Node>> expected) throws Exception {
        awaitState(topic, expected, false);
    }

    private void awaitState(String topic, Map<Node, Set<Node>> expected, boolean mesh) throws Exception {
        long deadline = System.nanoTime() + MESH.toNanos();
        Map<String, String> wrong = new TreeMap<>();
        while (true) {
            wrong.clear();
            for (var e : expected.entrySet()) {
                Set<String> want = e.getValue().stream().map(Node::peerId).collect(Collectors.toSet());
                Set<String> have = mesh ? e.getKey().meshPeers(topic) : e.getKey().topicPeers(topic);
                if (!have.containsAll(want)) {
                    wrong.put(e.getKey().toString(), "has " + names(have) + ", wants " + names(want));
                }
            }
            if (wrong.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail((mesh ? "meshes" : "topic peers") + " of " + topic + " incomplete after " + MESH + ": " + wrong
                        + "\n" + diagnostics());
            }
            Thread.sleep(200);
        }
    }

    private String names(Collection<String> ids) {
        Map<String, String> byId = new HashMap<>();
        for (Object o : started) {
            if (o instanceof JavaPeer p) {
                byId.put(p.peerId().toString(), p.name);
            }
        }
        for (JsNode n : jsNodes) {
            byId.put(n.node.peerId(), n.name());
        }
        return ids.stream().map(id -> byId.getOrDefault(id, id)).sorted().collect(Collectors.toList()).toString();
    }

    /** The js nodes' output tails and the Java routers' peer views, for failure messages. */
    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        for (Object o : started) {
            if (o instanceof JavaPeer p && p.pubsub != null) {
                try {
                    sb.append("---- ").append(p.name).append(" pubsub peers: ").append(p.pubsub.peers())
                            .append("\n     stats: ").append(p.pubsub.stats()).append('\n');
                } catch (RuntimeException e) {
                    sb.append("---- ").append(p.name).append(": ").append(e).append('\n');
                }
            }
        }
        for (JsNode n : jsNodes) {
            sb.append("==== ").append(n.name()).append('\n').append(n.node.tail()).append('\n');
        }
        return sb.toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String text(PubSubMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ nodes

    /** One delivered message as a test sees it. */
    record Received(String payload, String from, String receivedFrom) {
    }

    /** What one node delivered on one topic. */
    static final class Inbox {
        final List<Received> all = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        void add(Received r) {
            all.add(r);
            counts.computeIfAbsent(r.payload(), k -> new AtomicInteger()).incrementAndGet();
        }

        void awaitAll(Collection<String> expected, Duration timeout, String who, Supplier<String> diag)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<String> missing = expected.stream().filter(p -> !counts.containsKey(p)).toList();
                if (missing.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    fail(who + ": " + missing.size() + " of " + expected.size() + " messages missing after "
                            + timeout + ": " + missing + "\n(received " + counts.keySet() + ")\n" + diag.get());
                }
                Thread.sleep(50);
            }
        }

        void assertNoDuplicates(String who, Supplier<String> diag) {
            Map<String, Integer> dups = new TreeMap<>();
            counts.forEach((p, n) -> {
                if (n.get() > 1) {
                    dups.put(p, n.get());
                }
            });
            if (!dups.isEmpty()) {
                fail(who + ": messages delivered more than once (payload=times): " + dups + "\n" + diag.get());
            }
        }

        void assertAbsent(String payload, String who, Supplier<String> diag) {
            if (counts.containsKey(payload)) {
                fail(who + ": got \"" + payload + "\", which should have been rejected on the way: "
                        + all.stream().filter(r -> r.payload().equals(payload)).toList() + "\n" + diag.get());
            }
        }

        void assertOnly(Set<String> allowed, String who, Supplier<String> diag) {
            List<String> extra = counts.keySet().stream().filter(p -> !allowed.contains(p)).sorted().toList();
            if (!extra.isEmpty()) {
                fail(who + ": unexpected messages (its own, or never published): " + extra + "\n" + diag.get());
            }
        }

        void assertReceivedFromOnly(Node via, String who, Supplier<String> diag) {
            List<Received> other = all.stream()
                    .filter(r -> r.receivedFrom() != null && !r.receivedFrom().equals(via.peerId())).toList();
            if (!other.isEmpty()) {
                fail(who + ": messages forwarded by someone else than " + via + ": " + other + "\n" + diag.get());
            }
        }
    }

    abstract static class Node {
        private final String name;
        private final Map<String, Inbox> inboxes = new ConcurrentHashMap<>();

        Node(String name) {
            this.name = name;
        }

        String name() {
            return name;
        }

        Inbox inbox(String topic) {
            return inboxes.computeIfAbsent(topic, t -> new Inbox());
        }

        abstract String peerId();

        abstract String address();

        abstract void subscribe(String topic) throws Exception;

        abstract void publish(String topic, String payload) throws Exception;

        abstract Set<String> topicPeers(String topic);

        abstract Set<String> meshPeers(String topic);

        @Override
        public String toString() {
            return name;
        }
    }

    static final class JavaNode extends Node {
        final JavaPeer peer;

        JavaNode(String name, JavaPeer peer) {
            super(name);
            this.peer = peer;
        }

        @Override
        String peerId() {
            return peer.peerId().toString();
        }

        @Override
        String address() {
            return peer.address().toString();
        }

        @Override
        void subscribe(String topic) {
            Inbox inbox = inbox(topic);
            PeerId self = peer.peerId();
            peer.pubsub().subscribe(topic, m -> {
                // Meshwork delivers our own publications locally too; js (emitSelf: false) does not: count only
                // other nodes' messages on both
                if (!self.equals(m.author())) {
                    inbox.add(new Received(text(m), m.author() == null ? null : m.author().toString(),
                            m.receivedFrom().toString()));
                }
            });
        }

        @Override
        void publish(String topic, String payload) throws Exception {
            peer.pubsub().publish(topic, payload.getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        }

        @Override
        Set<String> topicPeers(String topic) {
            return peer.pubsub().peers(topic).stream().map(PeerId::toString).collect(Collectors.toSet());
        }

        @Override
        Set<String> meshPeers(String topic) {
            return peer.pubsub().meshPeers(topic).stream().map(PeerId::toString).collect(Collectors.toSet());
        }
    }

    static final class JsNode extends Node {
        final NodeProcess node;

        JsNode(String name, NodeProcess node) {
            super(name);
            this.node = node;
            node.addEventListener(e -> {
                if ("message".equals(e.get("event")) && e.get("topic") instanceof String topic) {
                    String data = new String(Base64.getDecoder().decode((String) e.get("data")),
                            StandardCharsets.UTF_8);
                    inbox(topic).add(new Received(data, (String) e.get("from"), (String) e.get("receivedFrom")));
                }
            });
        }

        @Override
        String peerId() {
            return node.peerId();
        }

        @Override
        String address() {
            return node.addresses().stream().filter(a -> a.startsWith("/ip4/127.")).findFirst()
                    .orElseThrow(() -> new AssertionError(name() + " listens on no loopback address"));
        }

        @Override
        void subscribe(String topic) {
            inbox(topic);
            node.call("subscribe", Map.of("topic", topic), CALL);
        }

        @Override
        void publish(String topic, String payload) {
            node.call("publish", Map.of("topic", topic, "data", base64(payload)), CALL);
        }

        @Override
        Set<String> topicPeers(String topic) {
            return strings(node.call("pubsubPeers", Map.of("topic", topic), CALL).get("peers"));
        }

        @Override
        Set<String> meshPeers(String topic) {
            return strings(node.call("meshPeers", Map.of("topic", topic), CALL).get("peers"));
        }

        private static Set<String> strings(Object list) {
            return ((List<?>) list).stream().map(String::valueOf).collect(Collectors.toSet());
        }
    }
}
