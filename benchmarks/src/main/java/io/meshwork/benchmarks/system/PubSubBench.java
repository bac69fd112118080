package io.meshwork.benchmarks.system;

import static io.meshwork.benchmarks.system.BenchStats.cell;
import static io.meshwork.benchmarks.system.BenchStats.loadAverage;
import static io.meshwork.benchmarks.system.BenchStats.median;
import static io.meshwork.benchmarks.system.BenchStats.nodeVersion;
import static io.meshwork.benchmarks.system.BenchStats.num;
import static io.meshwork.benchmarks.system.BenchStats.percentile;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.PubSubPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * GossipSub between Meshwork and js-libp2p, measured in one run on loopback: publisher→subscribers Java→Java,
 * Java→js, js→Java and js→js. Two publishers (a Java host in this JVM, a {@code node-peer.mjs --pubsub gossipsub}
 * process) and four subscribers (two Java, two js) form one network: each publisher is connected to every subscriber,
 * subscribers are not connected to each other, so every message travels one hop. Each pair has two topics, one
 * subscribed by one subscriber, one by both (the publisher subscribes to both too, so it has a mesh).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar:bundles/libp2p.pubsub/target/classes \
 *     io.meshwork.benchmarks.system.PubSubBench --interop-dir integration-tests/interop-js \
 *     [--reps 3] [--warmup 1] [--settle ms] [--settle-max rounds] [--rate 1000] [--count 1000] [--burst 2000]
 *     [--size 256]
 *     [--pairs JJ,JJS,JSJ,JSJS] [--subscribers 1,2]
 *     (system property -Dbench.out=file.md, before the class name, also writes the table)
 * </pre>
 *
 * (The router is built reflectively, so the libp2p.pubsub classes must be on the class path as shown, unless the
 * benchmarks module declares the bundle as a dependency.)
 *
 * <p>Measures, every one {@code --reps} times with the pairs interleaved, after {@code --warmup} untimed warm-up
 * rounds (every pair publishing as in a measured round; they let the JIT compile the hot paths, which otherwise takes
 * much of the Java side's CPU in the first rounds). With {@code --settle ms}, warm-up goes on after those, for at most
 * {@code --settle-max} more rounds (default twice {@code --warmup}), until a whole round kept this JVM's JIT
 * compiling for at most that many ms: code run once per stream write or muxer frame rather than per message
 * reaches C2's thresholds late, after dozens of rounds, and a C2 compilation of 100–200 ms in the middle of a
 * 150 ms burst takes a core from it. Each burst of a pair with a Java node also records how long the JIT compiled
 * meanwhile, so a table shows whether it measured compiled code:
 * <ul>
 * <li>paced: {@code --count} messages of {@code --size} bytes at {@code --rate} per second to 1 and to 2
 * subscribers; latency = subscriber's clock at delivery − the publisher's stamp in the payload (p50, p99 over all
 * deliveries) and loss;</li>
 * <li>burst: {@code --burst} messages of {@code --size} bytes, all publish calls issued at once, then awaited, to 1
 * and 2 subscribers; end-to-end rate = messages delivered to a subscriber ÷ (its last delivery − the publisher's start),
 * the slowest subscriber's; and loss.</li>
 * </ul>
 * Both sides stamp and read the payload of {@link PsPayload} (the same bytes as {@code node-peer.mjs}); js
 * publishes and collects inside node ({@code psLatency}, {@code psBurst}, {@code psArm}, {@code psCollect}). Paced,
 * both sides await each publish (the message queued to its peers) before the next; in the burst both issue every
 * publish at once and then await them all. Tables show the median of the repetitions and their min–max.
 */
public final class PubSubBench {

    /** The topic of one pair's measurement with {@code subscribers} subscribers. */
    private static String topic(Pair p, int subscribers) {
        return "bench-" + p.name() + "-" + subscribers;
    }

    private static final Duration CALL = Duration.ofSeconds(180);
    private static final Duration READY = Duration.ofSeconds(30);
    /** Collecting stops early once nothing arrived for this long (the rest is lost). */
    private static final long IDLE_MS = 3000;
    /** The row naming how long this JVM's JIT compiled during a burst (its compile threads take CPU from it). */
    private static final String JIT_ROW = "JIT compiling in this JVM meanwhile, ms";

    private final Map<String, Map<Pair, List<Double>>> results = new LinkedHashMap<>();
    private final List<Pair> pairs = new ArrayList<>(List.of(Pair.values()));
    /** Which subscriber counts (1, 2) the rounds measure ({@code --subscribers}). */
    private final List<Integer> subscriberCounts = new ArrayList<>(List.of(1, 2));
    private final List<AutoCloseable> started = new ArrayList<>();
    private Node javaPub;
    /** Warm-up rounds actually run ({@code --warmup}, plus any {@code --settle} added). */
    private int warmupRounds;
    private Node jsPub;
    private final List<Node> javaSubs = new ArrayList<>();
    private final List<Node> jsSubs = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = BenchStats.options(args);
        Path dir = Path.of(opt.getOrDefault("interop-dir", "integration-tests/interop-js")).toAbsolutePath();
        int reps = Integer.parseInt(opt.getOrDefault("reps", "3"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "1000"));
        int count = Integer.parseInt(opt.getOrDefault("count", "1000"));
        int burst = Integer.parseInt(opt.getOrDefault("burst", "2000"));
        int size = Integer.parseInt(opt.getOrDefault("size", "256"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "1"));
        int settle = Integer.parseInt(opt.getOrDefault("settle", "-1"));
        int settleMax = settle < 0 ? 0 : Integer.parseInt(opt.getOrDefault("settle-max", String.valueOf(2 * warmup)));
        String load0 = loadAverage();
        Instant startedAt = Instant.now();
        PubSubBench b = new PubSubBench();
        if (opt.containsKey("pairs")) {
            b.pairs.clear();
            for (String name : opt.get("pairs").split(",")) {
                b.pairs.add(Pair.valueOf(name.trim()));
            }
        }
        if (opt.containsKey("subscribers")) {
            b.subscriberCounts.clear();
            for (String n : opt.get("subscribers").split(",")) {
                b.subscriberCounts.add(Integer.parseInt(n.trim()));
            }
        }
        try {
            b.start(dir);
            for (int w = 1; w <= warmup + settleMax; w++) {
                long jit0 = jitMillis();
                for (Pair p : b.pairs) {
                    b.round(p, rate, count, burst, size, false);
                }
                long jit = jitMillis() - jit0;
                log("warm-up round " + w + " of " + warmup + (settle >= 0 ? " (+ up to " + settleMax + " to settle)"
                        : "") + ": the JIT compiled for " + jit + " ms");
                b.warmupRounds = w;
                if (w >= warmup && (settle < 0 || jit <= settle)) {
                    break;
                }
            }
            for (int r = 1; r <= reps; r++) {
                for (Pair p : b.pairs) {
                    b.round(p, rate, count, burst, size, true);
                }
                log("repetition " + r + " done");
            }
        } finally {
            b.close();
        }
        String table = b.report(reps, rate, count, burst, size, load0, loadAverage(), startedAt);
        System.out.println(table);
        String out = System.getProperty("bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ network

    private void start(Path dir) throws Exception {
        javaPub = java("java-pub");
        jsPub = js(dir, "js-pub");
        for (int i = 1; i <= 2; i++) {
            javaSubs.add(java("java-sub" + i));
            jsSubs.add(js(dir, "js-sub" + i));
        }
        for (Node sub : concat(javaSubs, jsSubs)) {
            javaPub.dial(sub);
            jsPub.dial(sub);
        }
        for (Pair p : pairs) {
            for (int n = 1; n <= 2; n++) {
                String topic = topic(p, n);
                publisher(p).subscribe(topic);
                for (Node s : subscribers(p, n)) {
                    s.subscribe(topic);
                }
            }
        }
        for (Pair p : pairs) {
            for (int n = 1; n <= 2; n++) {
                awaitMesh(publisher(p), topic(p, n), subscribers(p, n));
            }
        }
        log("network ready");
    }

    private Node java(String name) {
        PsPeer p = PsPeer.start(name, Map.of());
        started.add(p);
        log(name + ": Java " + p.peerId());
        return new JavaNode(name, p);
    }

    private Node js(Path dir, String name) throws IOException {
        NodeProcess p = NodeProcess.start(dir, "node-peer.mjs", Duration.ofSeconds(60), "--pubsub", "gossipsub");
        started.add(p);
        log(name + ": js " + p.peerId() + " pid " + p.pid());
        return new JsNode(name, p);
    }

    private void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log("closing " + started.get(i) + ": " + e);
            }
        }
    }

    private Node publisher(Pair p) {
        return p.javaFirst() ? javaPub : jsPub;
    }

    private List<Node> subscribers(Pair p, int n) {
        return (p.javaSecond() ? javaSubs : jsSubs).subList(0, n);
    }

    private static void awaitMesh(Node pub, String topic, List<Node> subs) throws InterruptedException {
        Set<String> want = subs.stream().map(Node::peerId).collect(Collectors.toSet());
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            Set<String> mesh = pub.meshPeers(topic);
            if (mesh.containsAll(want)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pub.name + "'s mesh of " + topic + " is " + mesh + " after " + READY
                        + ", wants " + want + (pub instanceof JavaNode j ? "; its pubsub peers: " + j.peer.pubsub.peers()
                        + ", topic peers " + j.peer.pubsub.peers(topic) : ""));
            }
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------ measurements

    private void round(Pair p, int rate, int count, int burst, int size, boolean record) throws Exception {
        for (int n : subscriberCounts) {
            String topic = topic(p, n);
            List<Node> subs = subscribers(p, n);
            // paced
            subs.forEach(s -> s.arm(topic));
            Published pub = publisher(p).paced(topic, rate, count, size);
            List<Collected> got = new ArrayList<>();
            for (Node s : subs) {
                got.add(s.collect(topic, count, (long) (count * 1000.0 / rate) + 20_000));
            }
            double[] lat = got.stream().flatMapToDouble(c -> Arrays.stream(c.latUs)).map(v -> v / 1000).toArray();
            int delivered = got.stream().mapToInt(c -> c.count).sum();
            int dups = got.stream().mapToInt(c -> c.duplicates).sum();
            double loss = 100.0 * (1 - delivered / (double) (count * n));
            log(String.format(Locale.ROOT, "%-9s paced %d/s ×%d, %d sub: p50 %.3f ms, p99 %.3f ms, loss %.2f%%, "
                    + "duplicates %d (publishing took %.0f ms)", p.label, rate, count, n,
                    lat.length == 0 ? Double.NaN : percentile(lat, 50),
                    lat.length == 0 ? Double.NaN : percentile(lat, 99), loss, dups, pub.ms));
            if (record) {
                String what = String.format(Locale.ROOT, "paced %d/s, %d sub", rate, n);
                if (lat.length > 0) {
                    record(what + ": latency p50 ms", p, percentile(lat, 50));
                    record(what + ": latency p99 ms", p, percentile(lat, 99));
                }
                record(what + ": loss %", p, loss);
            }
            Thread.sleep(500);

            // burst
            subs.forEach(s -> s.arm(topic));
            long[] cpu0 = cpuMillis();
            long[] rpcs0 = javaRpcs(p, subs);
            Published bp = publisher(p).burst(topic, burst, size);
            got.clear();
            for (Node s : subs) {
                got.add(s.collect(topic, burst, 60_000));
            }
            long[] cpu1 = cpuMillis();
            long[] rpcs1 = javaRpcs(p, subs);
            double slowest = Double.MAX_VALUE;
            delivered = 0;
            for (Collected c : got) {
                delivered += c.count;
                double rateOf = c.count == 0 ? 0 : c.count / ((c.lastUs - bp.startUs) / 1e6);
                slowest = Math.min(slowest, rateOf);
            }
            double bLoss = 100.0 * (1 - delivered / (double) (burst * n));
            log(String.format(Locale.ROOT, "%-9s burst %d × %d B, %d sub: %.0f msgs/s end-to-end, loss %.2f%% "
                    + "(publishing took %.0f ms; CPU used meanwhile: this JVM %d ms, of which JIT compiling %d ms;"
                    + " the node processes %d ms)", p.label, burst, size, n, slowest, bLoss, bp.ms,
                    cpu1[0] - cpu0[0], cpu1[2] - cpu0[2], cpu1[1] - cpu0[1]));
            if (publisher(p) instanceof JavaNode) {
                log(String.format(Locale.ROOT, "%-9s   the Java publisher sent %d RPCs in %d writes; its Java"
                        + " subscribers read %d RPCs", p.label, rpcs1[0] - rpcs0[0], rpcs1[1] - rpcs0[1],
                        rpcs1[2] - rpcs0[2]));
            }
            if (record) {
                String what = String.format(Locale.ROOT, "burst %d, %d sub", burst, n);
                record(what + ": msgs/s", p, slowest);
                record(what + ": loss %", p, bLoss);
                if (p != Pair.JSJS) { // only a pair with a Java node has this JVM's JIT in its path
                    record(what + ": " + JIT_ROW, p, (double) (cpu1[2] - cpu0[2]));
                }
            }
            Thread.sleep(500);
        }
    }

    /**
     * Batching counters of the pair's Java nodes: RPCs the publisher sent, the stream writes that carried them, RPCs
     * its Java subscribers read (all 0 for js nodes). They include the few RPCs of other traffic (heartbeats).
     */
    private long[] javaRpcs(Pair p, List<Node> subs) {
        long[] out = new long[3];
        if (publisher(p) instanceof JavaNode j) {
            Map<String, Object> s = j.peer.stats();
            out[0] = (Long) s.get("rpcsSent");
            out[1] = (Long) s.get("streamWrites");
        }
        for (Node n : subs) {
            if (n instanceof JavaNode j) {
                out[2] += (Long) j.peer.stats().get("rpcsReceived");
            }
        }
        return out;
    }

    /** Milliseconds this JVM's JIT compilers have spent compiling so far (0 where the JVM does not tell). */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /**
     * CPU time used so far by this JVM (all Java nodes) and by the js node processes together, in ms; the js part
     * from /proc (0 where there is none). Tells how much CPU a burst costs each stack, beside its rate.
     */
    private long[] cpuMillis() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
        long node = 0;
        for (AutoCloseable c : started) {
            if (c instanceof NodeProcess np) {
                node += procCpuMillis(np.pid());
            }
        }
        return new long[] {jvm, node, jitMillis()};
    }

    private static long procCpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime in 100 Hz ticks
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    record Published(double startUs, double ms) {
    }

    record Collected(int count, int duplicates, double[] latUs, double firstUs, double lastUs) {
    }

    abstract static class Node {
        final String name;

        Node(String name) {
            this.name = name;
        }

        abstract String peerId();

        abstract String address();

        abstract void dial(Node other) throws Exception;

        abstract void subscribe(String topic);

        abstract Set<String> meshPeers(String topic);

        abstract void arm(String topic);

        abstract Collected collect(String topic, int expect, long waitMs);

        abstract Published paced(String topic, int rate, int count, int size) throws Exception;

        abstract Published burst(String topic, int count, int size) throws Exception;
    }

    static final class JsNode extends Node {
        final NodeProcess node;

        JsNode(String name, NodeProcess node) {
            super(name);
            this.node = node;
        }

        @Override
        String peerId() {
            return node.peerId();
        }

        @Override
        String address() {
            return node.addresses().stream().filter(a -> a.startsWith("/ip4/127.")).findFirst().orElseThrow();
        }

        @Override
        void dial(Node other) {
            node.call("dial", Map.of("addr", other.address()), CALL);
        }

        @Override
        void subscribe(String topic) {
            node.call("subscribe", Map.of("topic", topic, "events", false), CALL);
        }

        @Override
        Set<String> meshPeers(String topic) {
            return ((List<?>) node.call("meshPeers", Map.of("topic", topic), CALL).get("peers")).stream()
                    .map(String::valueOf).collect(Collectors.toSet());
        }

        @Override
        void arm(String topic) {
            node.call("psArm", Map.of("topic", topic), CALL);
        }

        @Override
        Collected collect(String topic, int expect, long waitMs) {
            Map<String, Object> r = node.call("psCollect", Map.of("topic", topic, "expect", expect, "waitMs", waitMs,
                    "idleMs", IDLE_MS), Duration.ofMillis(waitMs + 30_000));
            double[] lat = ((List<?>) r.get("latUs")).stream().mapToDouble(o -> ((Number) o).doubleValue())
                    .toArray();
            return new Collected(((Number) r.get("count")).intValue(), ((Number) r.get("duplicates")).intValue(), lat,
                    num(r.get("firstUs")), num(r.get("lastUs")));
        }

        @Override
        Published paced(String topic, int rate, int count, int size) {
            Map<String, Object> r = node.call("psLatency", Map.of("topic", topic, "rate", rate, "count", count,
                    "size", size), CALL);
            return new Published(num(r.get("startUs")), num(r.get("ms")));
        }

        @Override
        Published burst(String topic, int count, int size) {
            Map<String, Object> r = node.call("psBurst", Map.of("topic", topic, "count", count, "size", size), CALL);
            return new Published(num(r.get("startUs")), num(r.get("ms")));
        }

        private static double num(Object o) {
            return o == null ? Double.NaN : ((Number) o).doubleValue();
        }
    }

    /** Benchmark payloads delivered on one topic since {@link JavaNode#arm}. */
    static final class Collector {
        final Set<Integer> seen = new HashSet<>();
        double[] latUs = new double[1024];
        int count;
        int duplicates;
        double firstUs = Double.NaN;
        double lastUs = Double.NaN;

        synchronized void add(byte[] data) {
            double now = PsPayload.epochMicros();
            if (data.length < PsPayload.HEADER) {
                return;
            }
            if (!seen.add(PsPayload.sequence(data))) {
                duplicates++;
                return;
            }
            if (count == latUs.length) {
                latUs = Arrays.copyOf(latUs, count * 2);
            }
            latUs[count++] = now - PsPayload.stampMicros(data);
            if (Double.isNaN(firstUs)) {
                firstUs = now;
            }
            lastUs = now;
            notifyAll();
        }

        synchronized Collected await(int expect, long waitMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            while (count < expect) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (!Double.isNaN(lastUs) && PsPayload.epochMicros() - lastUs > IDLE_MS * 1000) {
                    break; // nothing for IDLE_MS: the rest is lost
                }
                wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
            return new Collected(count, duplicates, Arrays.copyOf(latUs, count), firstUs, lastUs);
        }
    }

    static final class JavaNode extends Node {
        final PsPeer peer;
        private final Map<String, Collector> collectors = new ConcurrentHashMap<>();

        JavaNode(String name, PsPeer peer) {
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
        void dial(Node other) throws Exception {
            peer.host.connect(Multiaddr.parse(other.address())).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }

        @Override
        void subscribe(String topic) {
            peer.pubsub.subscribe(topic, (PubSubMessage m) -> {
                Collector c = collectors.get(topic);
                if (c != null) {
                    c.add(m.data());
                }
            });
        }

        @Override
        Set<String> meshPeers(String topic) {
            Set<String> out = new HashSet<>();
            for (PubSubPeer p : peer.pubsub.peers()) {
                if (p.meshTopics().contains(topic)) {
                    out.add(p.peer().toString());
                }
            }
            return out;
        }

        @Override
        void arm(String topic) {
            collectors.put(topic, new Collector());
        }

        @Override
        Collected collect(String topic, int expect, long waitMs) {
            Collector c = collectors.computeIfAbsent(topic, t -> new Collector());
            try {
                return c.await(expect, waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                collectors.remove(topic);
            }
        }

        @Override
        Published paced(String topic, int rate, int count, int size) throws Exception {
            double startUs = PsPayload.epochMicros();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = t0 + (long) (i * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                peer.pubsub.publish(topic, PsPayload.make(i, size)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            return new Published(startUs, (System.nanoTime() - t0) / 1e6);
        }

        @Override
        Published burst(String topic, int count, int size) throws Exception {
            double startUs = PsPayload.epochMicros();
            long t0 = System.nanoTime();
            List<CompletableFuture<?>> pending = new ArrayList<>(count);
            for (int i = 0; i < count; i++) { // all issued at once, then awaited (as node-peer.mjs psBurst)
                pending.add(peer.pubsub.publish(topic, PsPayload.make(i, size)).toCompletableFuture());
            }
            for (CompletableFuture<?> f : pending) {
                f.get(30, TimeUnit.SECONDS);
            }
            return new Published(startUs, (System.nanoTime() - t0) / 1e6);
        }
    }

    // ------------------------------------------------------------------ report

    private void record(String measure, Pair p, double value) {
        results.computeIfAbsent(measure, k -> new EnumMap<>(Pair.class)).computeIfAbsent(p, k -> new ArrayList<>())
                .add(value);
    }

    private String report(int reps, int rate, int count, int burst, int size, String load0, String load1,
            Instant startedAt) {
        StringBuilder sb = new StringBuilder();
        sb.append("### PubSubBench: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append(", ").append(nodeVersion()).append('\n').append('\n');
        sb.append(String.format(Locale.ROOT, "Started %s; load average before %s, after %s; %d repetitions; paced: "
                + "%d × %d B at %d/s; burst: %d × %d B; one hop (publisher connected to each subscriber); %d warm-up "
                + "rounds before them; cells: median (min–max) over the repetitions.%n%n", startedAt, load0, load1,
                reps, count, size, rate, burst, size, warmupRounds));
        sb.append("| measure (publisher→subscribers) |");
        for (Pair p : Pair.values()) {
            sb.append(' ').append(p.label).append(" |");
        }
        sb.append(" Java→Java ÷ js→js |\n|---|");
        for (int i = 0; i <= Pair.values().length; i++) {
            sb.append("---:|");
        }
        sb.append('\n');
        for (var e : results.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (Pair p : Pair.values()) {
                List<Double> v = e.getValue().get(p);
                sb.append(' ').append(v == null ? "–" : cell(v)).append(" |");
            }
            List<Double> jj = e.getValue().get(Pair.JJ);
            List<Double> js = e.getValue().get(Pair.JSJS);
            boolean ratio = jj != null && js != null && !e.getKey().endsWith("loss %") && !e.getKey().endsWith(JIT_ROW)
                    && median(js) != 0;
            sb.append(ratio ? String.format(Locale.ROOT, " %.2f× |%n", median(jj) / median(js)) : " – |\n");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ helpers

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void log(String msg) {
        System.err.println("[pubsubbench] " + msg);
    }
}
