package io.meshwork.benchmarks.system;

import static io.meshwork.benchmarks.system.BenchStats.cell;
import static io.meshwork.benchmarks.system.BenchStats.loadAverage;
import static io.meshwork.benchmarks.system.BenchStats.median;
import static io.meshwork.benchmarks.system.BenchStats.nodeVersion;
import static io.meshwork.benchmarks.system.BenchStats.num;
import static io.meshwork.benchmarks.system.BenchStats.percentile;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.testing.TestProtocols;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Meshwork's libp2p stack against js-libp2p, measured in one run on loopback: Java→Java, Java→js, js→Java, js→js
 * (dialer→listener). Two Java hosts live in this JVM (a listener and a dialer, one TCP event loop thread each); two
 * {@code node-peer.mjs} node processes are the js listener and the js dialer. Java dialers are timed here, js
 * dialers inside node ({@code process.hrtime}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.meshwork.benchmarks.system.SystemBench \
 *     --interop-dir integration-tests/interop-js [--reps 3] [--mib 256] [--dials 10] [--dial-warmup 3] [--echo 2000] [--pings 1000]
 *     [--pairs JJ,JJS,JSJ,JSJS]       (system property -Dbench.out=file.md, before the class name, also writes the table)
 * </pre>
 *
 * Measures: one-stream throughput both ways (discard/blast: no hashing or generating in the loop; plus one verified
 * sink/source run of the same size per pair and direction), first-dial latency (fresh dialer each time, until the
 * connection is secured and muxed), echo RTT of 32-byte messages on one stream, and pings with a new echo stream each
 * (open, 32 bytes + half-close, read 32 bytes and the end). Every measure runs {@code --reps} times, pairs
 * interleaved; tables show the median of the repetitions and their min–max.
 */
public final class SystemBench {

    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(180);

    private final Map<String, Map<Pair, List<Double>>> results = new LinkedHashMap<>();
    private final Map<String, Boolean> higherIsBetter = new LinkedHashMap<>();

    /** The pairs measured ({@code --pairs JJ,JJS,JSJ,JSJS}; all by default). */
    private final List<Pair> pairs = new ArrayList<>(List.of(Pair.values()));
    /** SHA-256 of the verified transfers' data (the first {@code --mib} MiB of the deterministic stream). */
    private String expectedSha;
    private BenchPeer javaListener;
    private BenchPeer javaDialer;
    private NodeProcess jsListener;
    private NodeProcess jsDialer;
    /** Untimed fresh dials per pair before the timed ones (JIT warm-up of the connection set-up path). */
    private int dialWarmup;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = BenchStats.options(args);
        Path dir = Path.of(opt.getOrDefault("interop-dir", "integration-tests/interop-js")).toAbsolutePath();
        int reps = Integer.parseInt(opt.getOrDefault("reps", "3"));
        long bytes = Long.parseLong(opt.getOrDefault("mib", "256")) << 20;
        int dials = Integer.parseInt(opt.getOrDefault("dials", "10"));
        int echoes = Integer.parseInt(opt.getOrDefault("echo", "2000"));
        int pings = Integer.parseInt(opt.getOrDefault("pings", "1000"));
        String load0 = loadAverage();
        Instant started = Instant.now();
        SystemBench b = new SystemBench();
        b.dialWarmup = Integer.parseInt(opt.getOrDefault("dial-warmup", "3"));
        if (opt.containsKey("pairs")) {
            b.pairs.clear();
            for (String name : opt.get("pairs").split(",")) {
                b.pairs.add(Pair.valueOf(name.trim()));
            }
        }
        String table;
        try {
            b.start(dir);
            b.run(reps, bytes, dials, echoes, pings);
        } finally {
            b.close();
        }
        table = b.report(reps, bytes, dials, echoes, pings, load0, loadAverage(), started);
        System.out.println(table);
        String out = System.getProperty("bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    private void start(Path dir) throws Exception {
        javaListener = BenchPeer.start("java-listener");
        javaDialer = BenchPeer.start("java-dialer");
        jsListener = NodeProcess.start(dir, "node-peer.mjs", Duration.ofSeconds(60));
        jsDialer = NodeProcess.start(dir, "node-peer.mjs", Duration.ofSeconds(60));
        log("js listener pid " + jsListener.pid() + ", js dialer pid " + jsDialer.pid());
        for (Pair p : pairs) {
            if (p.javaFirst()) {
                join(javaDialer.host.connect(Multiaddr.parse(targetAddr(p))));
            } else {
                jsDialer.call("dial", Map.of("addr", targetAddr(p)), NODE_TIMEOUT);
            }
        }
    }

    private void close() {
        for (AutoCloseable c : new AutoCloseable[] {jsDialer, jsListener, javaDialer, javaListener}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    log("closing " + c + ": " + e);
                }
            }
        }
    }

    private String targetAddr(Pair p) {
        return p.javaSecond() ? javaListener.address().toString() : jsListener.addresses().stream()
                .filter(a -> a.startsWith("/ip4/127.")).findFirst().orElseThrow();
    }

    private String targetPeer(Pair p) {
        return p.javaSecond() ? javaListener.peerId().toString() : jsListener.peerId();
    }

    private void run(int reps, long bytes, int dials, int echoes, int pings) throws Exception {
        log("warm-up");
        for (Pair p : pairs) {
            throughput(p, true, 32L << 20, false);
            throughput(p, false, 32L << 20, false);
            echo(p, 500);
            ping(p, 200);
            firstDial(p, dialWarmup);
        }
        expectedSha = TestProtocols.expectedSha(bytes);
        for (int r = 1; r <= reps; r++) {
            for (Pair p : pairs) {
                record("upload MB/s", true, p, throughput(p, true, bytes, false));
                record("download MB/s", true, p, throughput(p, false, bytes, false));
                if (r == 1) {
                    record("upload, verified sink MB/s", true, p, throughput(p, true, bytes, true));
                    record("download, verified source MB/s", true, p, throughput(p, false, bytes, true));
                }
            }
            for (Pair p : pairs) {
                record("first dial ms (median of " + dials + ")", false, p, median(firstDial(p, dials)));
            }
            for (Pair p : pairs) {
                double[] rtt = echo(p, echoes);
                record("echo RTT p50 ms", false, p, percentile(rtt, 50));
                record("echo RTT p99 ms", false, p, percentile(rtt, 99));
            }
            for (Pair p : pairs) {
                double[] rtt = ping(p, pings);
                double total = rtt[rtt.length - 1];
                double[] only = Arrays.copyOf(rtt, rtt.length - 1);
                record("ping (new stream) per s", true, p, pings / (total / 1000));
                record("ping (new stream) p50 ms", false, p, percentile(only, 50));
                record("ping (new stream) p99 ms", false, p, percentile(only, 99));
            }
            log("repetition " + r + " done");
        }
    }

    // ------------------------------------------------------------------ one measurement per call

    /** MB/s (10^6 bytes/s) of one transfer, dialer→listener ({@code up}) or listener→dialer. */
    private double throughput(Pair p, boolean up, long bytes, boolean verified) throws Exception {
        if (p.javaFirst()) {
            PeerId peer = PeerId.parse(targetPeer(p));
            double s = up ? BenchProtocols.upload(javaDialer.host, peer, bytes, verified)
                    : BenchProtocols.download(javaDialer.host, peer, bytes, verified,
                            verified ? expectedSha : null);
            double mbps = bytes / 1e6 / s;
            log(String.format(Locale.ROOT, "%-9s %s%s %.1f MB/s", p.label, up ? "up" : "down",
                    verified ? " verified" : "", mbps));
            return mbps;
        }
        String cmd = verified ? (up ? "sink" : "source") : (up ? "discard" : "blast");
        Map<String, Object> r = jsDialer.call(cmd, Map.of("peer", targetPeer(p), "bytes", bytes), NODE_TIMEOUT);
        double mbps = ((Number) r.get("mbps")).doubleValue();
        log(String.format(Locale.ROOT, "%-9s %s %.1f MB/s", p.label, cmd, mbps));
        return mbps;
    }

    /** ms per fresh dial until the connection is secured and muxed. */
    private double[] firstDial(Pair p, int n) throws Exception {
        String addr = targetAddr(p);
        double[] ms = new double[n];
        if (p.javaFirst()) {
            Multiaddr target = Multiaddr.parse(addr);
            for (int i = 0; i < n; i++) {
                BenchPeer fresh = BenchPeer.start("fresh-dialer");
                try {
                    long t0 = System.nanoTime();
                    join(fresh.host.connect(target));
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                } finally {
                    fresh.close();
                }
            }
        } else {
            List<?> got = (List<?>) jsDialer.call("firstDial", Map.of("addr", addr, "count", n), NODE_TIMEOUT)
                    .get("ms");
            for (int i = 0; i < n; i++) {
                ms[i] = ((Number) got.get(i)).doubleValue();
            }
        }
        log(String.format(Locale.ROOT, "%-9s first dial median %.2f ms %s", p.label, median(ms), fmt(ms)));
        return ms;
    }

    /** RTTs in ms of {@code count} 32-byte round trips on one echo stream, after 200 untimed ones. */
    private double[] echo(Pair p, int count) throws Exception {
        double[] ms;
        if (p.javaFirst()) {
            long[] ns = BenchProtocols.echoRtt(javaDialer.host, PeerId.parse(targetPeer(p)), 32, 200, count);
            ms = Arrays.stream(ns).mapToDouble(v -> v / 1e6).toArray();
        } else {
            ms = numbers(jsDialer.call("echoRtt", Map.of("peer", targetPeer(p), "size", 32, "count", count,
                    "warmup", 200), NODE_TIMEOUT).get("rtts"));
        }
        log(String.format(Locale.ROOT, "%-9s echo p50 %.3f p99 %.3f ms", p.label, percentile(ms, 50),
                percentile(ms, 99)));
        return ms;
    }

    /** RTTs in ms of {@code count} new-stream pings (after 100 untimed), then the total ms of the timed ones. */
    private double[] ping(Pair p, int count) throws Exception {
        double[] out;
        if (p.javaFirst()) {
            long[] ns = BenchProtocols.pingNew(javaDialer.host, PeerId.parse(targetPeer(p)), 100, count);
            out = Arrays.stream(ns).mapToDouble(v -> v / 1e6).toArray();
        } else {
            Map<String, Object> r = jsDialer.call("pingNew", Map.of("peer", targetPeer(p), "count", count,
                    "warmup", 100), NODE_TIMEOUT);
            double[] rtts = numbers(r.get("rtts"));
            out = Arrays.copyOf(rtts, rtts.length + 1);
            out[rtts.length] = ((Number) r.get("totalMs")).doubleValue();
        }
        double[] only = Arrays.copyOf(out, out.length - 1);
        log(String.format(Locale.ROOT, "%-9s ping-new %.0f/s p50 %.3f p99 %.3f ms", p.label,
                count / (out[out.length - 1] / 1000), percentile(only, 50), percentile(only, 99)));
        return out;
    }

    // ------------------------------------------------------------------ report

    private void record(String measure, boolean higher, Pair p, double value) {
        higherIsBetter.put(measure, higher);
        results.computeIfAbsent(measure, k -> new EnumMap<>(Pair.class)).computeIfAbsent(p, k -> new ArrayList<>())
                .add(value);
    }

    private String report(int reps, long bytes, int dials, int echoes, int pings, String load0, String load1,
            Instant started) {
        StringBuilder sb = new StringBuilder();
        sb.append("### SystemBench: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append(", ").append(nodeVersion()).append('\n').append('\n');
        sb.append(String.format(Locale.ROOT, "Started %s; load average before %s, after %s; %d repetitions, "
                + "%d MiB per transfer, %d fresh dials, %d echoes, %d pings per repetition; cells: median "
                + "(min–max) over the repetitions (verified sink/source: one run).%n%n", started, load0, load1, reps,
                bytes >> 20, dials, echoes, pings));
        sb.append("| measure (dialer→listener) |");
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
            sb.append(jj == null || js == null ? " – |\n"
                    : String.format(Locale.ROOT, " %.2f× |%n", median(jj) / median(js)));
        }
        sb.append('\n').append("Targets (Java→Java against js→js, medians):\n\n");
        target(sb, "upload MB/s", true, 2.5, "throughput ≥ 2.5× js (upload)");
        target(sb, "download MB/s", true, 2.5, "throughput ≥ 2.5× js (download)");
        target(sb, "first dial ms (median of " + dials + ")", false, 0.5, "first dial ≤ ½ js");
        target(sb, "echo RTT p99 ms", false, 0.5, "echo p99 ≤ ½ js");
        return sb.toString();
    }

    private void target(StringBuilder sb, String measure, boolean higher, double factor, String what) {
        Map<Pair, List<Double>> m = results.get(measure);
        if (m == null || m.get(Pair.JJ) == null || m.get(Pair.JSJS) == null) {
            return;
        }
        double ratio = median(m.get(Pair.JJ)) / median(m.get(Pair.JSJS));
        boolean met = higher ? ratio >= factor : ratio <= factor;
        sb.append(String.format(Locale.ROOT, "- %s: %.2f× → %s%n", what, ratio, met ? "**met**" : "**not met**"));
    }

    // ------------------------------------------------------------------ helpers

    private static double[] numbers(Object list) {
        return ((List<?>) list).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (double d : v) {
            sb.append(sb.length() > 1 ? " " : "").append(num(d));
        }
        return sb.append(']').toString();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void log(String msg) {
        System.err.println("[systembench] " + msg);
    }
}
