package io.meshwork.benchmarks.system;

import static io.meshwork.benchmarks.system.BenchStats.loadAverage;
import static io.meshwork.benchmarks.system.BenchStats.num;
import static io.meshwork.benchmarks.system.BenchStats.percentile;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxer;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxerConfig;
import io.meshwork.libp2p.relay.internal.Handshake;
import io.meshwork.libp2p.relay.internal.proto.HopMessage;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.libp2p.security.noise.internal.NoiseConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseSecureChannel;
import io.meshwork.libp2p.transport.tcp.internal.TcpConfig;
import io.meshwork.libp2p.transport.tcp.internal.TcpTransport;
import io.meshwork.testing.TestNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Capacity of the relay runtime: how many Circuit Relay v2 reservations one relay process holds, how fast it
 * grants them and what memory it takes.
 *
 * <p>The relay is the real runtime jar in its own process ({@code -Xmx512m} by default), its hop server on with the
 * issue's defaults except the per-IP limit (every client comes from 127.0.0.1 here). The load generator is this
 * JVM: one lightweight host per client identity, all sharing one TCP transport (2 event loop threads), one Noise
 * and one Yamux instance; each client connects, opens a hop stream, sends RESERVE, waits for the STATUS, and keeps
 * its connection (a reservation lives as long as it). At each step of {@code --counts} it reads the relay's own
 * metrics endpoint: reservations, heap used and committed, resident set size.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.meshwork.benchmarks.system.RelayCapacityBench \
 *     --relay-jar relay-runtime/target/meshwork-relay.jar [--counts 1000,10000] [--xmx 512m] [--parallel 32]
 *     [--hold seconds]   (keeps the relay and the clients up after the last step, e.g. for jmap -histo)
 * </pre>
 *
 * Needs about two file descriptors per client in each process ({@code ulimit -n}).
 */
public final class RelayCapacityBench {

    private static final Pattern LISTEN = Pattern.compile("Listening on (/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/\\S+)");
    private static final Pattern METRICS = Pattern.compile("Metrics on (http://127\\.0\\.0\\.1:\\d+)/metrics");

    private RelayCapacityBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = BenchStats.options(args);
        Path jar = Path.of(opt.getOrDefault("relay-jar", "relay-runtime/target/meshwork-relay.jar"));
        List<Integer> counts = new ArrayList<>();
        for (String c : opt.getOrDefault("counts", "1000,10000").split(",")) {
            counts.add(Integer.parseInt(c.trim()));
        }
        String xmx = opt.getOrDefault("xmx", "512m");
        int parallel = Integer.parseInt(opt.getOrDefault("parallel", "32"));
        int holdSeconds = Integer.parseInt(opt.getOrDefault("hold", "0")); // keep everything up, e.g. for jmap

        Path data = Files.createTempDirectory("relay-capacity-");
        Path conf = Files.createDirectories(data.resolve("conf"));
        // the relay runtime's connection defaults, as an operator's file replaces them all
        Files.writeString(conf.resolve("io.meshwork.libp2p.core.cfg"),
                "listen.addresses = /ip4/127.0.0.1/tcp/0\nmax.connections = 12000\nlow.watermark = 11000\n");
        Files.writeString(conf.resolve("io.meshwork.metrics.cfg"), "enabled = true\nport = 0\n");
        Files.writeString(conf.resolve("io.meshwork.libp2p.relay.hop.config"),
                "enabled = B\"true\"\nmax.reservations.per.ip = I\"1000000\"\nallow.private.addresses = B\"true\"\n");
        Process relay = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + xmx,
                "-jar", jar.toString(), "--no-shell", "--data", data.toString()).redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(relay::destroyForcibly));
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // relay gone
            }
        }, "relay-output");
        reader.setDaemon(true);
        reader.start();
        String relayAddr = null;
        String metricsUrl = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((relayAddr == null || metricsUrl == null) && System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l == null) {
                continue;
            }
            Matcher m = LISTEN.matcher(l);
            if (m.find()) {
                relayAddr = m.group(1);
            }
            Matcher mm = METRICS.matcher(l);
            if (mm.find()) {
                metricsUrl = mm.group(1);
            }
        }
        if (relayAddr == null || metricsUrl == null) {
            relay.destroyForcibly();
            throw new IllegalStateException("the relay did not start (no listen address or metrics URL)");
        }
        log("relay " + relayAddr + ", metrics " + metricsUrl + ", -Xmx" + xmx);

        TcpTransport tcp = new TcpTransport(BenchAccess.config(TcpConfig.class, Map.of("event_loop_threads", 2)));
        NoiseSecureChannel noise = new NoiseSecureChannel(BenchAccess.config(NoiseConfig.class, Map.of()));
        YamuxMuxer yamux = new YamuxMuxer(BenchAccess.config(YamuxMuxerConfig.class, Map.of()));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        List<HostImpl> clients = new ArrayList<>();
        Multiaddr target = Multiaddr.parse(relayAddr);
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "### RelayCapacityBench: %s %s, relay -Xmx%s%n%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), xmx));
        report.append("Started ").append(Instant.now()).append("; load average ").append(loadAverage())
                .append("; RESERVEs ").append(parallel).append(" at a time.\n\n");
        report.append("| reservations held | RESERVE latency p50 / p99 ms (this step) | granted/s | relay heap used MiB "
                + "| relay heap committed MiB | relay RSS MiB | refused or failed |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        HttpClient http = HttpClient.newHttpClient();
        try {
            int held = 0;
            for (int goal : counts) {
                int step = goal - held;
                double[] latencies = new double[step];
                int[] failures = {0};
                Semaphore window = new Semaphore(parallel);
                List<CompletableFuture<Void>> all = new ArrayList<>(step);
                long t0 = System.nanoTime();
                for (int i = 0; i < step; i++) {
                    window.acquire();
                    HostImpl host = BenchAccess.newHost(TestNode.newIdentity(),
                            Map.of("listen_addresses", new String[0]));
                    BenchAccess.bindSecureChannel(host, noise, "/noise");
                    BenchAccess.bindMuxer(host, yamux, "/yamux/1.0.0");
                    BenchAccess.bindTransport(host, tcp, "tcp");
                    clients.add(host);
                    int index = i;
                    long start = System.nanoTime();
                    CompletableFuture<Void> f = host.connect(target).toCompletableFuture()
                            .thenCompose((Connection c) -> c.newStream(List.of(RelayCodec.HOP)))
                            .thenCompose((Stream s) -> Handshake.send(s, RelayCodec.encode(HopMessage.reserve()))
                                    .thenCompose(v -> Handshake.read(s, RelayCodec.MAX_MESSAGE_SIZE, 30_000, timer))
                                    .thenAccept(msg -> {
                                        HopMessage answer = RelayCodec.decodeHop(msg.body());
                                        if (!"OK".equals(answer.statusName())) {
                                            throw new IllegalStateException("refused: " + answer.statusName());
                                        }
                                        latencies[index] = (System.nanoTime() - start) / 1e6;
                                        s.close();
                                    }))
                            .handle((v, e) -> {
                                if (e != null) {
                                    synchronized (failures) {
                                        if (failures[0]++ < 3) {
                                            log("reservation failed: " + e);
                                        }
                                    }
                                }
                                window.release();
                                return null;
                            });
                    all.add(f);
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - t0) / 1e9;
                held = goal;
                Thread.sleep(2000); // let the relay settle before reading its memory
                Map<String, Double> m = scrape(http, metricsUrl);
                double[] ok = java.util.Arrays.stream(latencies).filter(v -> v > 0).toArray();
                String row = String.format(Locale.ROOT, "| %d (relay reports %.0f) | %s / %s | %.0f | %.0f | %.0f | %.0f | %d |%n",
                        goal, m.getOrDefault("meshwork_relay_reservations", -1.0),
                        ok.length == 0 ? "–" : num(percentile(ok, 50)), ok.length == 0 ? "–" : num(percentile(ok, 99)),
                        ok.length / seconds, m.getOrDefault("heap_used", -1.0) / (1 << 20),
                        m.getOrDefault("heap_committed", -1.0) / (1 << 20),
                        m.getOrDefault("meshwork_process_resident_memory_bytes", -1.0) / (1 << 20), failures[0]);
                report.append(row);
                log(row.trim());
            }
            if (holdSeconds > 0) {
                log("holding " + holdSeconds + " s (relay pid " + relay.pid() + ")");
                Thread.sleep(holdSeconds * 1000L);
            }
        } finally {
            for (HostImpl h : clients) {
                BenchAccess.deactivate(h);
            }
            yamux.deactivate();
            noise.deactivate();
            tcp.deactivate();
            timer.shutdownNow();
            relay.destroy();
            if (!relay.waitFor(30, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
        System.out.println(report);
        String out = System.getProperty("bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), report.toString());
        }
    }

    /** The relay's samples of interest, from its Prometheus text. */
    private static Map<String, Double> scrape(HttpClient http, String url) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> out = new java.util.HashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space);
            double value = Double.parseDouble(line.substring(space + 1));
            if (name.equals("meshwork_jvm_memory_bytes{area=\"heap\",kind=\"used\"}")) {
                out.put("heap_used", value);
            } else if (name.equals("meshwork_jvm_memory_bytes{area=\"heap\",kind=\"committed\"}")) {
                out.put("heap_committed", value);
            } else if (!name.contains("{")) {
                out.put(name, value);
            }
        }
        return out;
    }

    private static void log(String msg) {
        System.err.println("[relaycapacity] " + msg);
    }
}
