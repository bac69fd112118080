package io.meshwork.it.interop;

import static io.meshwork.testing.TestProtocols.ECHO;
import static io.meshwork.testing.TestProtocols.SINK;
import static io.meshwork.testing.TestProtocols.SOURCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.benchmarks.system.NodeProcess;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.PeerStore;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.testing.TestProtocols;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Live interop between Meshwork's libp2p stack and js-libp2p (TCP, Noise, Yamux, identify, ping and three test
 * protocols), over loopback. The js peer is {@code integration-tests/interop-js/node-peer.mjs}, run by Node with
 * the dependencies pinned in that folder's package-lock.json; see its README.md.
 *
 * <p>Two Java hosts keep the two directions apart: {@code dialer} dials the js peer (Java is the connection's
 * initiator: yamux client, Noise initiator), and the js peer dials {@code listener}. On each connection the tests
 * open streams from the side that dialed. Skipped when {@code node} is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JsInteropIT {

    private static final int BIG = 64 * 1024 * 1024;
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration BIG_CALL = Duration.ofSeconds(90);

    private NodeProcess js;
    private PeerId jsPeer;
    private Multiaddr jsAddress;
    private JavaPeer dialer;
    private JavaPeer listener;
    /** The connection {@code dialer} opened to js. */
    private Connection dialed;
    /** js's answer to dialing {@code listener}: connection, identify result, peer store view. */
    private Map<String, Object> jsDialedListener;
    private String expectedBigSha;

    // ------------------------------------------------------------------ setup

    @BeforeAll
    void start() throws Exception {
        if (!InteropEnvironment.commandWorks("node", "--version")) {
            // failsafe drops the reason of an aborted class: say it in the build log too
            System.out.println("[interop] SKIPPED JsInteropIT: node not found: js-libp2p interop skipped");
            Assumptions.abort("node not found: js-libp2p interop skipped");
        }
        Path dir = InteropEnvironment.interopDir();
        InteropEnvironment.installDependencies(dir);
        expectedBigSha = TestProtocols.expectedSha(BIG);
        js = NodeProcess.start(dir, "node-peer.mjs", Duration.ofSeconds(30));
        jsPeer = PeerId.parse(js.peerId());
        jsAddress = js.addresses().stream().map(Multiaddr::parse).filter(a -> a.toString().startsWith("/ip4/127."))
                .findFirst().orElseThrow(() -> new AssertionError("js listens on no loopback address\n" + js.tail()));
        System.out.printf("[interop] js peer %s at %s (pid %d, folder %s)%n", jsPeer, jsAddress, js.pid(), dir);

        dialer = JavaPeer.start("dialer");
        listener = JavaPeer.start("listener");
        dialed = await(dialer.host().connect(jsAddress), "Java dialer connecting to js at " + jsAddress);
        jsDialedListener = js.call("dial", Map.of("addr", listener.address().toString()), CALL);
        System.out.printf("[interop] Java %s (%s) dialed js from %s; js dialed Java %s (%s)%n", dialer.name,
                dialer.address(), dialed.localAddress(), listener.name, listener.address());
    }

    @AfterAll
    void stop() {
        try {
            if (js != null) {
                js.close();
            }
        } finally {
            if (dialer != null) {
                dialer.close();
            }
            if (listener != null) {
                listener.close();
            }
        }
    }

    // ------------------------------------------------------------------ 1. identify

    @Test
    @Order(1)
    void javaDialerIdentifiesJs() {
        assertJavaSawJs(dialer, "Java dialed js");
    }

    @Test
    @Order(1)
    void javaListenerIdentifiesJs() {
        assertJavaSawJs(listener, "js dialed Java");
    }

    @Test
    @Order(1)
    void jsIdentifiesJavaItDialed() {
        assertJsSawJava(jsDialedListener, listener, "js dialed Java");
    }

    @Test
    @Order(1)
    void jsIdentifiesJavaThatDialedIt() {
        Map<String, Object> info = js.call("peerInfo", Map.of("peer", dialer.peerId().toString()), CALL);
        assertJsSawJava(info, dialer, "Java dialed js");
    }

    private void assertJavaSawJs(JavaPeer java, String how) {
        PeerStore store = java.host().peerStore();
        waitFor(() -> !store.protocols(jsPeer).isEmpty() && store.agentVersion(jsPeer).isPresent(), 10,
                () -> how + ": Java " + java.name + " has no identify result of js");
        String state = how + ": Java " + java.name + " peer store of js: protocols " + store.protocols(jsPeer)
                + ", addresses " + store.addresses(jsPeer) + ", agent " + store.agentVersion(jsPeer)
                + ", observed " + store.observedAddresses();
        assertTrue(store.protocols(jsPeer).contains(Ping.PROTOCOL), () -> state + "\n" + js.tail());
        assertTrue(store.protocols(jsPeer).containsAll(List.of(ECHO, SINK, SOURCE, "/ipfs/id/1.0.0")),
                () -> state + "\n" + js.tail());
        assertTrue(store.addresses(jsPeer).stream().anyMatch(a -> a.toString().startsWith("/ip4/127.0.0.1/tcp/")),
                () -> state + "\n" + js.tail());
        assertTrue(store.addresses(jsPeer).contains(jsAddress.withoutPeerId()), () -> state + "\n" + js.tail());
        String agent = store.agentVersion(jsPeer).orElse("");
        assertFalse(agent.isBlank(), () -> state + "\n" + js.tail());
        assertTrue(agent.startsWith("js-libp2p"), () -> state + "\n" + js.tail());
        waitFor(() -> !store.observedAddresses().isEmpty(), 5, () -> state + ": no observed address");
        assertTrue(store.observedAddresses().stream().anyMatch(a -> a.toString().startsWith("/ip4/127.0.0.1/tcp/")),
                () -> state + "\n" + js.tail());
        System.out.printf("[interop] %s; Java sees js agent '%s', observed %s%n", how, agent,
                store.observedAddresses());
    }

    @SuppressWarnings("unchecked")
    private void assertJsSawJava(Map<String, Object> answer, JavaPeer java, String how) {
        Map<String, Object> id = (Map<String, Object>) answer.get("identify");
        Map<String, Object> store = (Map<String, Object>) answer.get("peerStore");
        String state = how + ": js view of Java " + java.name + ": identify " + id + ", peer store " + store;
        assertNotNull(id, state);
        List<String> protocols = (List<String>) id.get("protocols");
        assertTrue(protocols.containsAll(List.of(ECHO, SINK, SOURCE, Ping.PROTOCOL, "/ipfs/id/1.0.0")),
                () -> state + "\n" + js.tail());
        String agent = (String) id.get("agentVersion");
        assertNotNull(agent, state);
        assertTrue(agent.startsWith("meshwork/"), state);
        assertEquals(JavaPeer.AGENT, agent, state);
        String javaAddr = java.address().withoutPeerId().toString();
        assertTrue(((List<String>) id.get("listenAddrs")).contains(javaAddr), () -> state + "\n" + js.tail());
        // js verified our signed peer record: its addresses are there and certified in js's peer store
        assertEquals(List.of(javaAddr), id.get("signedPeerRecordAddrs"), () -> state + "\n" + js.tail());
        assertTrue(((List<Map<String, Object>>) store.get("addresses")).stream()
                .anyMatch(a -> javaAddr.equals(a.get("addr")) && Boolean.TRUE.equals(a.get("certified"))),
                () -> state + "\n" + js.tail());
        assertEquals(agent, store.get("agentVersion"), state);
        assertTrue(((List<String>) store.get("protocols")).contains(ECHO), state);
        String observed = (String) id.get("observedAddr");
        assertNotNull(observed, state);
        // what Java saw js at: js's listen port when js accepted, an ephemeral port when js dialed
        assertTrue(observed.startsWith("/ip4/127.0.0.1/tcp/"), state);
        System.out.printf("[interop] %s; js sees agent '%s', observed %s, protocols %s%n", how, agent, observed,
                protocols);
    }

    // ------------------------------------------------------------------ 2. ping

    @Test
    @Order(2)
    void javaPingsJs() throws Exception {
        Stream s = await(dialed.newStream(List.of(Ping.PROTOCOL)), "opening a ping stream to js");
        Ping ping = new Ping(s, new SecureRandom());
        List<Double> rtts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Duration rtt = await(ping.ping(), "ping " + i + " to js");
            assertFalse(rtt.isNegative(), "rtt " + rtt);
            rtts.add(rtt.toNanos() / 1e6);
        }
        ping.close();
        System.out.printf("[interop] Java→js ping RTTs (ms, one stream): %s%n", format(rtts));
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void jsPingsJava() {
        Map<String, Object> r = js.call("ping", Map.of("peer", listener.peerId().toString(), "count", 10), CALL);
        List<Number> rtts = (List<Number>) r.get("rtts");
        assertEquals(10, rtts.size(), r::toString);
        rtts.forEach(n -> assertTrue(n.doubleValue() >= 0, r::toString));
        System.out.printf("[interop] js→Java ping RTTs (ms, a new stream each): %s%n", rtts);
    }

    // ------------------------------------------------------------------ 3. echo

    @Test
    @Order(3)
    void javaEchoesThroughJs() throws Exception {
        byte[] data = new byte[6000];
        new Random(1).nextBytes(data);
        byte[] back = echoOnce(dialed, data, 2500); // three writes of uneven size
        assertArrayEquals(data, back, () -> "echo through js returned different bytes\n" + js.tail());
    }

    @Test
    @Order(3)
    void jsEchoesThroughJava() {
        Map<String, Object> r = js.call("echo", Map.of("peer", listener.peerId().toString(), "size", 6000,
                "streams", 1), CALL);
        assertEquals(1L, r.get("streams"), r::toString);
    }

    // ------------------------------------------------------------------ 4. 64 MiB each way

    @Test
    @Order(4)
    void javaSends64MiBToJsSink() throws Exception {
        long t0 = System.nanoTime();
        Stream s = await(dialed.newStream(List.of(SINK)), "opening a sink stream to js");
        TestProtocols.Collector reply = new TestProtocols.Collector();
        s.setReader(reply);
        String sent = TestProtocols.writeGenerated(s, BIG);
        await(s.closeWrite(), "half-closing the sink stream");
        byte[] answer = await(reply.done, "js sink's reply");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(expectedBigSha, sent);
        assertEquals(40, answer.length, () -> "sink reply " + HexFormat.of().formatHex(answer) + "\n" + js.tail());
        ByteBuffer b = ByteBuffer.wrap(answer);
        assertEquals(BIG, b.getLong(), () -> "js sink counted other than 64 MiB\n" + js.tail());
        byte[] sha = new byte[32];
        b.get(sha);
        assertEquals(sent, HexFormat.of().formatHex(sha), () -> "js sink's SHA-256 differs\n" + js.tail());
        report("Java→js, Java dials, js sink", secs);
    }

    @Test
    @Order(4)
    void javaReads64MiBFromJsSource() throws Exception {
        long t0 = System.nanoTime();
        Stream s = await(dialed.newStream(List.of(SOURCE)), "opening a source stream to js");
        TestProtocols.Hasher hasher = new TestProtocols.Hasher();
        s.setReader(hasher);
        await(s.write(ByteBuffer.allocate(8).putLong(BIG).flip()), "asking js source for 64 MiB");
        await(s.closeWrite(), "half-closing the source stream");
        String sha = await(hasher.done, "64 MiB from js source");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(BIG, hasher.count, () -> "bytes from js source\n" + js.tail());
        assertEquals(expectedBigSha, sha, () -> "js source sent other bytes\n" + js.tail());
        report("js→Java, Java dials, js source", secs);
    }

    @Test
    @Order(4)
    void jsSends64MiBToJavaSink() {
        Map<String, Object> r = js.call("sink", Map.of("peer", listener.peerId().toString(), "bytes", BIG),
                BIG_CALL);
        // js compared our count and SHA-256 with its own; equal to ours too means both generators agree
        assertEquals(expectedBigSha, r.get("sha256"), r::toString);
        report("js→Java, js dials, Java sink", ((Number) r.get("ms")).doubleValue() / 1000);
    }

    @Test
    @Order(4)
    void jsReads64MiBFromJavaSource() {
        Map<String, Object> r = js.call("source", Map.of("peer", listener.peerId().toString(), "bytes", BIG),
                BIG_CALL);
        assertEquals(expectedBigSha, r.get("sha256"), r::toString);
        report("Java→js, js dials, Java source", ((Number) r.get("ms")).doubleValue() / 1000);
    }

    // ------------------------------------------------------------------ 5. 50 concurrent streams

    @Test
    @Order(5)
    void javaOpens50ConcurrentEchoStreamsToJs() throws Exception {
        int n = 50;
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<Stream>> opening = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[4096 + i];
            new Random(100 + i).nextBytes(data);
            sent.add(data);
            opening.add(dialed.newStream(List.of(ECHO)).toCompletableFuture());
        }
        List<TestProtocols.Collector> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Stream s = await(opening.get(i), "opening echo stream " + i + " of " + n);
            TestProtocols.Collector c = new TestProtocols.Collector();
            s.setReader(c);
            replies.add(c);
            s.write(ByteBuffer.wrap(sent.get(i)));
            s.closeWrite();
        }
        for (int i = 0; i < n; i++) {
            byte[] back = await(replies.get(i).done, "echo on stream " + i + " of " + n);
            int k = i;
            assertArrayEquals(sent.get(i), back, () -> "stream " + k + " echoed other bytes\n" + js.tail());
        }
    }

    @Test
    @Order(5)
    void jsOpens50ConcurrentEchoStreamsToJava() {
        Map<String, Object> r = js.call("echo", Map.of("peer", listener.peerId().toString(), "size", 4096,
                "streams", 50), CALL);
        assertEquals(50L, r.get("streams"), r::toString);
    }

    // ------------------------------------------------------------------ 6. js's connection monitor

    /**
     * js pings every connection every 10 s and closes it when a ping fails: after more than 10 s of the js node's
     * life, both connections must still be the same, open, and js must have measured an RTT on each.
     */
    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void connectionsSurviveJsConnectionMonitor() throws Exception {
        long sinceStartMs = (System.nanoTime() - js.startedNanos) / 1_000_000;
        long sinceDialMs = Duration.between(dialed.openedAt(), Instant.now()).toMillis();
        long waitMs = Math.max(11_500 - sinceStartMs, 12_000 - sinceDialMs);
        if (waitMs > 0) {
            Thread.sleep(waitMs);
        }
        assertTrue(dialed.isOpen(), () -> "Java's connection to js was closed\n" + js.tail());
        assertTrue(dialer.host().connections(jsPeer).contains(dialed),
                () -> "Java dialer's connections: " + dialer.host().connections(jsPeer) + "\n" + js.tail());
        assertTrue(dialer.inboundPingStreams.get() >= 1,
                () -> "js's connection monitor never pinged the Java dialer\n" + js.tail());
        for (JavaPeer java : List.of(dialer, listener)) {
            Map<String, Object> r = js.call("conns", Map.of("peer", java.peerId().toString()), CALL);
            List<Map<String, Object>> conns = (List<Map<String, Object>>) r.get("connections");
            assertEquals(1, conns.size(), () -> "js connections to Java " + java.name + ": " + conns + "\n" + js.tail());
            Map<String, Object> c = conns.get(0);
            assertEquals("open", c.get("status"), c::toString);
            assertTrue(c.get("rtt") instanceof Number, () -> "js's connection monitor measured no RTT to Java "
                    + java.name + ": " + c + "\n" + js.tail());
            System.out.printf("[interop] after %.1f s, js's connection to Java %s is %s, monitor RTT %s ms%n",
                    (System.nanoTime() - js.startedNanos) / 1e9, java.name, c.get("status"), c.get("rtt"));
        }
        assertEquals(1, listener.host().connections(PeerId.parse(js.peerId())).size(),
                () -> "Java listener's connections: " + listener.host().connections(jsPeer));
    }

    // ------------------------------------------------------------------ helpers

    private byte[] echoOnce(Connection conn, byte[] data, int chunk) throws Exception {
        Stream s = await(conn.newStream(List.of(ECHO)), "opening an echo stream");
        TestProtocols.Collector c = new TestProtocols.Collector();
        s.setReader(c);
        TestProtocols.writeAll(s, data, chunk);
        await(s.closeWrite(), "half-closing the echo stream");
        return await(c.done, "echo of " + data.length + " bytes");
    }

    private static void report(String what, double secs) {
        System.out.printf("[interop] 64 MiB %s: %.2f s, %.1f MB/s%n", what, secs, BIG / 1e6 / secs);
    }

    private static String format(List<Double> ms) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return Arrays.toString(ms.stream().map(d -> String.format("%.2f", d)).toArray()) + " median "
                + String.format("%.2f", sorted[sorted.length / 2]);
    }

    private <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause() + "\n" + (js == null ? "" : js.tail()),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no result within 60 s\n" + (js == null ? "" : js.tail()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        }
    }

    private void waitFor(BooleanSupplier condition, int seconds, Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(message.get() + " after " + seconds + " s\n" + js.tail());
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
