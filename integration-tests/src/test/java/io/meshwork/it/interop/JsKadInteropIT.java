package io.meshwork.it.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.benchmarks.system.NodeProcess;
import io.meshwork.libp2p.api.codec.Multihash;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.kad.internal.ExecutorScheduler;
import io.meshwork.libp2p.kad.internal.HostNetwork;
import io.meshwork.libp2p.kad.internal.KadComponent;
import io.meshwork.libp2p.kad.internal.KadHandler;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.engine.PublicKeyValidator;
import io.meshwork.libp2p.kad.internal.engine.SignedRecordValidator;
import io.meshwork.libp2p.kad.internal.engine.Validators;
import io.meshwork.testing.TestNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Live Kademlia interop with js-libp2p's {@code @libp2p/kad-dht} 16.4.5 on {@code /ipfs/kad/1.0.0} over loopback:
 * js finds a Java peer through a Java bootstrap node and Java finds a js peer through a js bootstrap node; /pk/
 * records put by one side and read by the other; provider records announced by one side and found by the other.
 * The js peers are {@code interop-js/kad-peer.mjs}; the Java peers real hosts with the DHT engine, its stream handler
 * and the identify-driven table listener (what {@link KadComponent} assembles). Skipped when node is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JsKadInteropIT {

    private static final String PROTOCOL = "/ipfs/kad/1.0.0";
    private static final Duration CALL = Duration.ofSeconds(60);

    private Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<NodeProcess> jsNodes = new ArrayList<>();

    @BeforeAll
    void prepare() throws Exception {
        if (!InteropEnvironment.commandWorks("node", "--version")) {
            System.out.println("[interop] SKIPPED JsKadInteropIT: node not found: js-libp2p interop skipped");
            Assumptions.abort("node not found: js-libp2p interop skipped");
        }
        dir = InteropEnvironment.interopDir();
        InteropEnvironment.installDependencies(dir);
    }

    @AfterEach
    void closeAll() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.out.println("[interop] closing " + open.get(i) + " failed: " + e);
            }
        }
        open.clear();
        jsNodes.clear();
    }

    // ------------------------------------------------------------------ peer routing

    @Test
    void jsFindsAJavaPeerThroughAJavaBootstrapNode() throws Exception {
        Java bootstrap = new Java("java-bootstrap");
        Java target = new Java("java-target");
        target.bootstrapFrom(bootstrap);
        Js js = startJs("js");
        js.connect(bootstrap.address());
        waitFor(() -> js.tableSize() >= 1, 20, () -> "js puts the Java bootstrap node into its table\n" + tails());
        Map<String, Object> r = js.call("findPeer", Map.of("peer", target.peer().toString()));
        @SuppressWarnings("unchecked")
        List<String> addrs = (List<String>) r.get("addrs");
        assertTrue(addrs.stream().anyMatch(a -> a.startsWith(target.address().withoutPeerId().toString())),
                () -> "js found the Java peer at " + addrs + "; it listens at " + target.address());
    }

    @Test
    void javaFindsAJsPeerThroughAJsBootstrapNode() throws Exception {
        Js bootstrap = startJs("js-bootstrap");
        Js target = startJs("js-target");
        target.connect(bootstrap.address);
        waitFor(() -> bootstrap.tableSize() >= 1 && target.tableSize() >= 1, 20,
                () -> "the js nodes know each other\n" + tails());
        Java java = new Java("java");
        java.node.host.connect(bootstrap.address).toCompletableFuture().get(20, TimeUnit.SECONDS);
        java.engine.addServerPeer(bootstrap.peer);
        List<Multiaddr> addrs = java.engine.findPeer(target.peer).get(60, TimeUnit.SECONDS);
        assertTrue(addrs.contains(target.address.withoutPeerId()),
                () -> "Java found the js peer at " + addrs + "; it listens at " + target.address);
    }

    // ------------------------------------------------------------------ values and providers

    @Test
    void publicKeyRecordsAndProvidersBothWays() throws Exception {
        Java bootstrap = new Java("java-bootstrap");
        Java java = new Java("java");
        java.bootstrapFrom(bootstrap);
        Js js = startJs("js");
        js.connect(bootstrap.address());
        waitFor(() -> js.tableSize() >= 1, 20, () -> "js knows the bootstrap node\n" + tails());
        waitFor(() -> tableHas(bootstrap, js.peer), 20, () -> "the bootstrap node puts js into its table");
        java.engine.refresh().get(60, TimeUnit.SECONDS);
        waitFor(() -> tableHas(java, js.peer), 20, () -> "the Java peer learns js from the bootstrap node");

        // Java puts its /pk/ record; js reads it
        byte[] javaKey = pkKey(java.peer());
        byte[] javaPub = java.node.identity.publicKey().marshal();
        int stored = java.engine.put(javaKey, javaPub).get(60, TimeUnit.SECONDS);
        assertTrue(stored >= 2, "stored on the bootstrap node and js: " + stored);
        byte[] seenByJs = b64(js.call("get", Map.of("key", b64(javaKey))).get("value"));
        assertArrayEquals(javaPub, seenByJs, "js reads the Java /pk/ record");

        // js puts its /pk/ record; Java reads it with a quorum of 2 (the bootstrap node and js hold it)
        byte[] jsKey = pkKey(js.peer);
        byte[] jsPub = b64(js.call("publicKey", Map.of()).get("publicKey"));
        assertArrayEquals(js.peer.publicKey().orElseThrow().marshal(), jsPub);
        Map<String, Object> put = js.call("put", Map.of("key", b64(jsKey), "value", b64(jsPub)));
        assertTrue(((Number) put.get("responses")).intValue() >= 1, put::toString);
        assertArrayEquals(jsPub, java.engine.get(jsKey, 2).get(60, TimeUnit.SECONDS));
        assertArrayEquals(jsPub, bootstrap.engine.get(jsKey, 1).get(60, TimeUnit.SECONDS));

        // a /pk/ record that does not match its key is refused by Java
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> java.engine.put(jsKey, javaPub).get(60, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("invalid record"), refused.getCause().getMessage());

        // Java provides, js finds it
        byte[] javaContent = Multihash.sha256("java content".getBytes()).encode();
        assertTrue(java.engine.provide(javaContent).get(60, TimeUnit.SECONDS) >= 2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jsFound = (List<Map<String, Object>>) js.call("findProviders",
                Map.of("mh", b64(javaContent), "max", 1)).get("providers");
        assertTrue(jsFound.stream().anyMatch(p -> java.peer().toString().equals(p.get("peer"))),
                () -> "js finds the Java provider: " + jsFound);

        // js provides, Java finds it with js's address
        byte[] jsContent = Multihash.sha256("js content".getBytes()).encode();
        js.call("provide", Map.of("mh", b64(jsContent)));
        waitFor(() -> {
            try {
                return !bootstrap.engine.findProviders(jsContent, 1).get(30, TimeUnit.SECONDS).isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, 20, () -> "the bootstrap node stores js's provider record\n" + tails());
        List<PeerInfo> found = java.engine.findProviders(jsContent, 1).get(60, TimeUnit.SECONDS);
        assertEquals(js.peer, found.get(0).peer());
        assertTrue(found.get(0).addresses().contains(js.address.withoutPeerId()), found::toString);
    }

    @Test
    void meshworkRecordsStayOnOurDhtAndJsRefusesThem() throws Exception {
        Java bootstrap = new Java("java-bootstrap");
        Js js = startJs("js");
        js.connect(bootstrap.address());
        waitFor(() -> tableHas(bootstrap, js.peer), 20, () -> "the bootstrap node puts js into its table");
        byte[] key = SignedRecord.key(bootstrap.peer(), "presence");
        byte[] value = SignedRecord.seal(bootstrap.node.identity.publicKey(), bootstrap.node.identity::sign, key, 1,
                "online".getBytes());
        // js has no validator for /meshwork/: it refuses the PUT (resets the stream); nobody stores it remotely
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> bootstrap.engine.put(key, value).get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("no DHT peer stored"), e.getCause().getMessage());
        // still stored locally and served
        assertArrayEquals(value, bootstrap.engine.get(key, 1).get(10, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ Java side

    private static byte[] pkKey(PeerId id) {
        byte[] idb = id.bytes();
        byte[] k = new byte[4 + idb.length];
        System.arraycopy("/pk/".getBytes(), 0, k, 0, 4);
        System.arraycopy(idb, 0, k, 4, idb.length);
        return k;
    }

    private boolean tableHas(Java node, PeerId peer) {
        try {
            return node.engine.table().get(10, TimeUnit.SECONDS).stream().flatMap(List::stream)
                    .anyMatch(e -> e.peer().equals(peer));
        } catch (Exception e) {
            return false;
        }
    }

    /** A real host with the DHT in server mode on /ipfs/kad/1.0.0. */
    private final class Java implements AutoCloseable {
        final TestNode node;
        final KadEngine engine;
        final ScheduledExecutorService thread;

        Java(String name) {
            node = TestNode.create(name);
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kad-" + name);
                t.setDaemon(true);
                return t;
            });
            Validators validators = new Validators();
            validators.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
            validators.add(SignedRecord.NAMESPACE, new SignedRecordValidator());
            engine = new KadEngine(node.peerId(), KadEngine.Config.defaults().withRequestTimeoutMs(10_000),
                    new HostNetwork(node.host, PROTOCOL, 10_000, thread), new ExecutorScheduler(thread), validators,
                    new Random(new SecureRandom().nextLong()));
            node.addHandler(new KadHandler(engine, 16), false, PROTOCOL);
            node.addConnectionListener(KadComponent.serverPeerListener(node.host, PROTOCOL, engine, thread));
            node.listen();
            open.add(this);
            System.out.printf("[interop] %s %s at %s%n", name, node.peerId(), node.address());
        }

        PeerId peer() {
            return node.peerId();
        }

        Multiaddr address() {
            return node.address();
        }

        void bootstrapFrom(Java other) throws Exception {
            node.host.connect(other.address()).toCompletableFuture().get(20, TimeUnit.SECONDS);
            engine.addServerPeer(other.peer());
            engine.refresh().get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            node.close();
            thread.shutdownNow();
            engine.close();
        }

        @Override
        public String toString() {
            return node.name;
        }
    }

    // ------------------------------------------------------------------ js side

    private final class Js {
        final String name;
        final NodeProcess process;
        final PeerId peer;
        final Multiaddr address;

        Js(String name, NodeProcess process) {
            this.name = name;
            this.process = process;
            this.peer = PeerId.parse(process.peerId());
            this.address = process.addresses().stream().map(Multiaddr::parse)
                    .filter(a -> a.toString().startsWith("/ip4/127.")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " listens on no loopback address\n" + process.tail()));
        }

        Map<String, Object> call(String cmd, Map<String, Object> args) {
            try {
                return process.call(cmd, args, CALL);
            } catch (IllegalStateException e) {
                throw new AssertionError(name + ": " + e.getMessage() + "\n" + tails(), e);
            }
        }

        void connect(Multiaddr addr) {
            call("connect", Map.of("addr", addr.toString()));
        }

        int tableSize() {
            return ((Number) call("tableSize", Map.of()).get("size")).intValue();
        }
    }

    private Js startJs(String name) {
        NodeProcess p;
        try {
            p = NodeProcess.start(dir, "kad-peer.mjs", Duration.ofSeconds(30), "--kad-protocol", PROTOCOL);
        } catch (Exception e) {
            throw new AssertionError("starting " + name + " (kad-peer.mjs) failed: " + e, e);
        }
        open.add(p);
        jsNodes.add(p);
        Js js = new Js(name, p);
        System.out.printf("[interop] %s %s at %s (pid %d)%n", name, js.peer, js.address, p.pid());
        return js;
    }

    private String tails() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess p : jsNodes) {
            b.append("--- node pid ").append(p.pid()).append(" ---\n").append(p.tail()).append('\n');
        }
        return b.toString();
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] b64(Object text) {
        return Base64.getDecoder().decode((String) text);
    }

    private static void waitFor(BooleanSupplier condition, int seconds, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what.get());
            }
            Thread.sleep(100);
        }
    }

}
