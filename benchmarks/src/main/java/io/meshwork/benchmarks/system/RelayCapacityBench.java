package io.meshwork.benchmarks.system;

import static io.meshwork.benchmarks.system.BenchStats.loadAverage;
import static io.meshwork.benchmarks.system.BenchStats.nodeVersion;
import static io.meshwork.benchmarks.system.BenchStats.num;
import static io.meshwork.benchmarks.system.BenchStats.percentile;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxer;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxerConfig;
import io.meshwork.libp2p.relay.internal.Handshake;
import io.meshwork.libp2p.relay.internal.proto.HopMessage;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.libp2p.relay.internal.proto.RelayPeer;
import io.meshwork.libp2p.relay.internal.proto.RelayStatus;
import io.meshwork.libp2p.relay.internal.proto.StopMessage;
import io.meshwork.libp2p.security.noise.internal.NoiseConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseSecureChannel;
import io.meshwork.libp2p.transport.tcp.internal.TcpConfig;
import io.meshwork.libp2p.transport.tcp.internal.TcpTransport;
import io.meshwork.testing.TestNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Capacity of a circuit relay process: how many Circuit Relay v2 reservations it holds, how fast it grants them,
 * how many concurrent circuits it carries with data moving on all of them, and what memory that takes; against our
 * relay runtime and, with the same load in the same run, js-libp2p's relay server.
 *
 * <p>Targets (each in its own process, one after the other):
 * <ul>
 * <li>{@code java}: the real relay runtime jar ({@code -Xmx512m} by default), its hop server on with the issue's
 * defaults except the per-IP limit (every client comes from 127.0.0.1 here); memory from its metrics endpoint.</li>
 * <li>{@code js}: {@code @libp2p/circuit-relay-v2}'s server in node ({@code relay-server.mjs} in the interop folder,
 * {@code --max-old-space-size} = the same budget by default), its reservation cap (15) and connection cap (300)
 * raised to hold the load and its circuit limits set to ours (64 MiB per direction, 1 h); memory from
 * {@code process.memoryUsage()}.</li>
 * </ul>
 *
 * <p>The load generator is this JVM: one lightweight host per client identity, all sharing one TCP transport (2
 * event loop threads), one Noise and one Yamux instance; each client connects, opens a hop stream, sends RESERVE,
 * waits for the STATUS, and keeps its connection (a reservation lives as long as it). At each step of
 * {@code --counts} it reads the relay's memory. Then, with every reservation still held, it opens {@code --circuits}
 * circuits between pairs of reserved clients (CONNECT on a hop stream; the target answers the relay's STOP and
 * echoes), {@code --circuit-parallel} CONNECTs in flight, and once all are open starts data on all of them at once:
 * each source writes {@code --circuit-bytes} and reads them back from its target's echo, so each circuit carries
 * that much in each direction. Memory is sampled every 500 ms while the data moves (peak heap, RSS high-water mark
 * from {@code /proc}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.meshwork.benchmarks.system.RelayCapacityBench \
 *     --relay-jar relay-runtime/target/meshwork-relay.jar [--targets java,js] [--counts 1000,10000] [--xmx 512m]
 *     [--parallel 32] [--circuits 1000] [--circuit-bytes 1048576] [--circuit-parallel 32]
 *     [--circuit-rate bytes/s per circuit (default 0: as fast as each circuit goes)]
 *     [--interop-dir integration-tests/interop-js] [--js-heap-mib 512]
 *     [--relay-yamux-budget bytes]   (the java relay's Yamux max.buffered.total instead of its default; 0 = off)
 *     [--hold seconds]   (keeps the relay and the clients up after the last step, e.g. for jmap -histo)
 * </pre>
 *
 * Needs about two file descriptors per client in each process ({@code ulimit -n}).
 */
public final class RelayCapacityBench {

    private static final Pattern LISTEN = Pattern.compile("Listening on (/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/\\S+)");
    private static final Pattern METRICS = Pattern.compile("Metrics on (http://127\\.0\\.0\\.1:\\d+)/metrics");
    private static final int CHUNK = 64 * 1024;
    private static final int ECHO_IN_FLIGHT = 256 * 1024;
    private static final double MIB = 1 << 20;

    private RelayCapacityBench() {
    }

    /** Memory and counts a relay process reports; -1 where it does not know. */
    record Sample(double reservations, double circuits, double heapUsed, double heapCommitted, double rss,
                  double rssPeak) {
    }

    /** A relay process under test. */
    interface Target extends AutoCloseable {
        String name();

        Multiaddr address();

        boolean alive();

        long pid();

        Sample sample() throws Exception;

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = BenchStats.options(args);
        List<Integer> counts = new ArrayList<>();
        for (String c : opt.getOrDefault("counts", "1000,10000").split(",")) {
            counts.add(Integer.parseInt(c.trim()));
        }
        String xmx = opt.getOrDefault("xmx", "512m");
        int jsHeapMib = Integer.parseInt(opt.getOrDefault("js-heap-mib", "512"));
        int parallel = Integer.parseInt(opt.getOrDefault("parallel", "32"));
        int circuits = Integer.parseInt(opt.getOrDefault("circuits", "0"));
        long circuitBytes = Long.parseLong(opt.getOrDefault("circuit-bytes", "1048576"));
        int circuitParallel = Integer.parseInt(opt.getOrDefault("circuit-parallel", "32"));
        long circuitRate = Long.parseLong(opt.getOrDefault("circuit-rate", "0")); // bytes/s per circuit, 0 = flat out
        int holdSeconds = Integer.parseInt(opt.getOrDefault("hold", "0"));
        List<String> targets = List.of(opt.getOrDefault("targets", "java").split(","));

        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "### RelayCapacityBench: load generator %s %s; java relay -Xmx%s;"
                        + " js relay %s, --max-old-space-size=%d%n%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), xmx, targets.contains("js") ? nodeVersion() : "not run",
                jsHeapMib));
        report.append("Started ").append(Instant.now()).append("; load average ").append(loadAverage())
                .append("; RESERVEs ").append(parallel).append(" at a time; ").append(circuits)
                .append(" circuits, CONNECTs ").append(circuitParallel).append(" at a time, ").append(circuitBytes)
                .append(" bytes each way per circuit, ")
                .append(circuitRate > 0 ? "paced at " + circuitRate + " B/s per circuit" : "as fast as it goes")
                .append(".\n\n");
        List<String> summary = new ArrayList<>();
        for (String t : targets) {
            Target target = switch (t.trim()) {
                case "java" -> JavaRelay.start(Path.of(opt.getOrDefault("relay-jar",
                        "relay-runtime/target/meshwork-relay.jar")), xmx, opt.get("relay-yamux-budget"));
                case "js" -> JsRelay.start(Path.of(opt.getOrDefault("interop-dir", "integration-tests/interop-js")),
                        jsHeapMib, counts.get(counts.size() - 1));
                default -> throw new IllegalArgumentException("unknown target " + t + " (java, js)");
            };
            try {
                run(target, counts, parallel, circuits, circuitBytes, circuitParallel, circuitRate, holdSeconds,
                        report, summary);
            } finally {
                target.close();
            }
            Thread.sleep(3000); // let the sockets of the previous run go
        }
        if (summary.size() > 1) {
            report.append("#### Side by side\n\n| relay | reservations held (failed) | heap used / committed MiB at"
                    + " the last step | RSS MiB | circuits open (failed) | CONNECT p50 / p99 ms | relayed MB/s |"
                    + " peak heap used MiB during data | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            summary.forEach(report::append);
            report.append('\n');
        }
        System.out.println(report);
        String out = System.getProperty("bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), report.toString());
        }
    }

    /** A reserved client: its host and its connection to the relay. */
    record Client(HostImpl host, Connection connection) {
    }

    private static void run(Target target, List<Integer> counts, int parallel, int circuits, long circuitBytes,
                            int circuitParallel, long circuitRate, int holdSeconds, StringBuilder report,
                            List<String> summary)
            throws Exception {
        log(target.name() + " relay at " + target.address() + ", pid " + target.pid());
        TcpTransport tcp = new TcpTransport(BenchAccess.config(TcpConfig.class, Map.of("event_loop_threads", 2)));
        NoiseSecureChannel noise = new NoiseSecureChannel(BenchAccess.config(NoiseConfig.class, Map.of()));
        // the load generator's own yamux pings wait 60 s (default 10 s): on a shared 2-core machine its 2 event
        // loops fall behind under 2,000 connections, and its sessions must not give up on the relay for that
        YamuxMuxer yamux = new YamuxMuxer(BenchAccess.config(YamuxMuxerConfig.class,
                Map.of("ping_timeout_seconds", 60L)));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        StreamHandler echo = stream -> answerStop(stream, timer);
        List<HostImpl> hosts = new ArrayList<>();
        List<Client> reserved = Collections.synchronizedList(new ArrayList<>());
        Multiaddr relayAddr = target.address();
        report.append("#### ").append(target.name()).append(" relay\n\n");
        report.append("| reservations held | RESERVE latency p50 / p99 ms (this step) | granted/s | relay heap used MiB "
                + "| relay heap committed MiB | relay RSS MiB | refused or failed |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        Sample last = null;
        int failedTotal = 0;
        try {
            int held = 0;
            for (int goal : counts) {
                if (!target.alive()) {
                    report.append("| ").append(goal).append(" | the relay process is gone | | | | | |\n");
                    break;
                }
                int step = goal - held;
                double[] latencies = new double[step];
                AtomicInteger failures = new AtomicInteger();
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
                    BenchAccess.bindHandler(host, echo, false, RelayCodec.STOP);
                    hosts.add(host);
                    int index = i;
                    long start = System.nanoTime();
                    CompletableFuture<Void> f = host.connect(relayAddr).toCompletableFuture()
                            .thenCompose((Connection c) -> c.newStream(List.of(RelayCodec.HOP))
                                    .thenCompose((Stream s) -> Handshake.send(s, RelayCodec.encode(HopMessage.reserve()))
                                            .thenCompose(v -> Handshake.read(s, RelayCodec.MAX_MESSAGE_SIZE, 30_000,
                                                    timer))
                                            .thenAccept(msg -> {
                                                HopMessage answer = RelayCodec.decodeHop(msg.body());
                                                if (!"OK".equals(answer.statusName())) {
                                                    throw new IllegalStateException("refused: "
                                                            + answer.statusName());
                                                }
                                                latencies[index] = (System.nanoTime() - start) / 1e6;
                                                s.close();
                                                reserved.add(new Client(host, c));
                                            })))
                            .handle((v, e) -> {
                                if (e != null && failures.getAndIncrement() < 3) {
                                    log("reservation failed: " + e);
                                }
                                window.release();
                                return null;
                            });
                    all.add(f);
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - t0) / 1e9;
                held = goal;
                failedTotal += failures.get();
                Thread.sleep(2000); // let the relay settle before reading its memory
                double[] ok = Arrays.stream(latencies).filter(v -> v > 0).toArray();
                String row;
                if (target.alive()) {
                    last = target.sample();
                    row = String.format(Locale.ROOT, "| %d (relay reports %.0f) | %s / %s | %.0f | %.0f | %.0f | %.0f"
                                    + " | %d |%n", goal, last.reservations(),
                            ok.length == 0 ? "–" : num(percentile(ok, 50)),
                            ok.length == 0 ? "–" : num(percentile(ok, 99)), ok.length / seconds,
                            last.heapUsed() / MIB, last.heapCommitted() / MIB, last.rss() / MIB, failures.get());
                } else {
                    row = String.format(Locale.ROOT, "| %d | the relay process died during this step | | | | | %d |%n",
                            goal, failures.get());
                }
                report.append(row);
                log(row.trim());
            }
            report.append('\n');
            String circuitSummary = " – | – | – | – | – ";
            if (circuits > 0 && target.alive()) {
                circuitSummary = circuits(target, reserved, circuits, circuitBytes, circuitParallel, circuitRate,
                        timer, report);
            }
            summary.add(String.format(Locale.ROOT, "| %s | %d (%d) | %s / %s | %s | %s |%n", target.name(),
                    reserved.size(), failedTotal, last == null ? "–" : num(last.heapUsed() / MIB),
                    last == null ? "–" : num(last.heapCommitted() / MIB), last == null ? "–" : num(last.rss() / MIB),
                    circuitSummary));
            if (holdSeconds > 0) {
                log("holding " + holdSeconds + " s");
                Thread.sleep(holdSeconds * 1000L);
            }
        } finally {
            for (HostImpl h : hosts) {
                BenchAccess.deactivate(h);
            }
            yamux.deactivate();
            noise.deactivate();
            tcp.deactivate();
            timer.shutdownNow();
        }
    }

    /**
     * Opens {@code n} circuits between pairs of reserved clients, then moves {@code bytes} each way on all of them
     * at once; appends a table to {@code report} and answers the side-by-side cells.
     */
    private static String circuits(Target target, List<Client> reserved, int n, long bytes, int parallel,
                                   long rate, ScheduledExecutorService timer, StringBuilder report) throws Exception {
        List<Client> clients;
        synchronized (reserved) {
            clients = new ArrayList<>(reserved);
        }
        int reservedCount = clients.size();
        clients.removeIf(c -> !c.connection().isOpen()); // the relay may have closed some since
        if (clients.size() < reservedCount) {
            log((reservedCount - clients.size()) + " of " + reservedCount + " reserved clients lost their connection"
                    + " to the relay before the circuits");
            report.append(String.format(Locale.ROOT, "%d of %d reserved clients' connections to the relay were"
                    + " closed (by the relay) before the circuits; pairs are taken from the open ones.%n%n",
                    reservedCount - clients.size(), reservedCount));
        }
        if (clients.size() < 2 * n) {
            log("only " + clients.size() + " reserved clients: " + clients.size() / 2 + " circuits");
            n = clients.size() / 2;
        }
        log("opening " + n + " circuits");
        double[] openMs = new double[n];
        Stream[] streams = new Stream[n];
        AtomicInteger openFailures = new AtomicInteger();
        Semaphore window = new Semaphore(parallel);
        List<CompletableFuture<Void>> opens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            window.acquire();
            Client dst = clients.get(2 * i);
            Client src = clients.get(2 * i + 1);
            PeerId dstId = dst.host().peerId();
            int index = i;
            long start = System.nanoTime();
            opens.add(src.connection().newStream(List.of(RelayCodec.HOP)).toCompletableFuture()
                    .thenCompose((Stream s) -> Handshake.send(s, RelayCodec.encode(HopMessage.connect(
                                    RelayPeer.of(dstId))))
                            .thenCompose(v -> Handshake.read(s, RelayCodec.MAX_MESSAGE_SIZE, 30_000, timer))
                            .thenAccept(msg -> {
                                HopMessage answer = RelayCodec.decodeHop(msg.body());
                                if (answer.status() != RelayStatus.OK.code()) {
                                    s.reset();
                                    throw new IllegalStateException("CONNECT refused: " + answer.statusName());
                                }
                                openMs[index] = (System.nanoTime() - start) / 1e6;
                                streams[index] = s;
                            }))
                    .handle((v, e) -> {
                        if (e != null && openFailures.getAndIncrement() < 3) {
                            log("circuit failed: " + e);
                        }
                        window.release();
                        return null;
                    }));
        }
        CompletableFuture.allOf(opens.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        Thread.sleep(2000);
        Sample idle = target.sample();
        log(String.format(Locale.ROOT, "%.0f circuits open at the relay, heap used %.0f MiB, RSS %.0f MiB",
                idle.circuits(), idle.heapUsed() / MIB, idle.rss() / MIB));

        // data on every open circuit at once
        List<CompletableFuture<Void>> transfers = new ArrayList<>();
        AtomicInteger dataFailures = new AtomicInteger();
        double[] peak = {0, 0};
        AtomicLong received = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(500);
                    Sample s = target.sample();
                    synchronized (peak) {
                        peak[0] = Math.max(peak[0], s.heapUsed());
                        peak[1] = Math.max(peak[1], s.rss());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the relay may be busy or gone; the next sample tells
                }
            }
        }, "relay-sampler");
        long t0 = System.nanoTime();
        sampler.start();
        for (Stream s : streams) {
            if (s != null) {
                transfers.add(EchoClient.run(s, bytes, rate, timer, received).handle((v, e) -> {
                    if (e != null && dataFailures.getAndIncrement() < 3) {
                        log("transfer failed: " + e);
                    }
                    return null;
                }));
            }
        }
        try {
            CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new)).get(15, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            log("transfers did not finish within 15 min");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        Sample after = target.alive() ? target.sample() : new Sample(-1, -1, -1, -1, -1, -1);
        peak[0] = Math.max(peak[0], after.heapUsed());
        peak[1] = Math.max(peak[1], after.rss());
        long done = transfers.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count()
                - dataFailures.get();
        double relayed = 2.0 * bytes * done;
        double[] ok = Arrays.stream(openMs).filter(v -> v > 0).toArray();
        double mbps = relayed / seconds / 1e6;
        String p50 = ok.length == 0 ? "–" : num(percentile(ok, 50));
        String p99 = ok.length == 0 ? "–" : num(percentile(ok, 99));
        report.append(String.format(Locale.ROOT, "| circuits open (relay reports) | CONNECT latency p50 / p99 ms |"
                        + " CONNECT failed | heap used / committed MiB, circuits idle | transfers done (failed) |"
                        + " data phase s | relayed MB/s (both directions) | peak heap used MiB | heap after MiB |"
                        + " RSS peak MiB (high-water mark) |%n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n"
                        + "| %d (%.0f) | %s / %s | %d | %.0f / %.0f | %d (%d) | %.1f | %.0f | %.0f | %.0f | %.0f (%.0f) |%n%n",
                ok.length, idle.circuits(), p50, p99, openFailures.get(), idle.heapUsed() / MIB,
                idle.heapCommitted() / MIB, done, dataFailures.get(), seconds, mbps, peak[0] / MIB,
                after.heapUsed() / MIB, peak[1] / MIB, after.rssPeak() / MIB));
        log(String.format(Locale.ROOT, "%d circuits, %d transfers done, %.1f s, %.0f MB/s, peak heap %.0f MiB",
                ok.length, done, seconds, mbps, peak[0] / MIB));
        for (Stream s : streams) {
            if (s != null) {
                s.close();
            }
        }
        return String.format(Locale.ROOT, "%d (%d) | %s / %s | %.0f | %.0f | %.0f", ok.length,
                openFailures.get() + dataFailures.get(), p50, p99, mbps, peak[0] / MIB,
                Math.max(peak[1], after.rssPeak()) / MIB);
    }

    // ------------------------------------------------------------------ the clients' two ends of a circuit

    /** The target's side: answers the relay's STOP CONNECT with OK, then echoes everything back. */
    private static void answerStop(Stream stream, ScheduledExecutorService timer) {
        Handshake.read(stream, RelayCodec.MAX_MESSAGE_SIZE, 30_000, timer).whenComplete((m, e) -> {
            if (e != null) {
                stream.reset();
                return;
            }
            StopMessage request = RelayCodec.decodeStop(m.body());
            if (request.type() != StopMessage.Type.CONNECT) {
                stream.reset();
                return;
            }
            Handshake.send(stream, RelayCodec.encode(StopMessage.status(RelayStatus.OK)));
            Echo echo = new Echo(stream);
            if (m.leftover().hasRemaining()) {
                echo.onData(m.leftover());
            }
            stream.setReader(echo);
            stream.resumeReading();
        });
    }

    /** Writes back what it reads, at most {@value #ECHO_IN_FLIGHT} bytes not yet taken by the stream. */
    private static final class Echo implements DuplexReader {
        private final Stream stream;
        private long inFlight;
        private boolean paused;

        Echo(Stream stream) {
            this.stream = stream;
        }

        @Override
        public void onData(ByteBuffer data) {
            int n = data.remaining();
            ByteBuffer copy = ByteBuffer.allocate(n).put(data).flip();
            inFlight += n;
            stream.write(copy).whenComplete((v, e) -> stream.executor().execute(() -> {
                inFlight -= n;
                if (e != null) {
                    stream.reset();
                } else if (paused && inFlight <= ECHO_IN_FLIGHT / 2) {
                    paused = false;
                    stream.resumeReading();
                }
            }));
            if (inFlight > ECHO_IN_FLIGHT && !paused) {
                paused = true;
                stream.pauseReading();
            }
        }

        @Override
        public void onEnd() {
            stream.closeWrite();
        }
    }

    /**
     * The source's side: writes {@code total} bytes in chunks of up to 64 KiB (one write outstanding; with a
     * {@code rate}, in 16 KiB chunks no faster than that many bytes per second) and reads them all back.
     */
    private static final class EchoClient implements DuplexReader {
        private static final ByteBuffer PATTERN = pattern();
        private final Stream stream;
        private final long total;
        private final long rate;
        private final ScheduledExecutorService timer;
        private final AtomicLong receivedAll;
        private final CompletableFuture<Void> result = new CompletableFuture<>();
        private final long started = System.nanoTime();
        private long sent;
        private long received;

        private EchoClient(Stream stream, long total, long rate, ScheduledExecutorService timer,
                           AtomicLong receivedAll) {
            this.stream = stream;
            this.total = total;
            this.rate = rate;
            this.timer = timer;
            this.receivedAll = receivedAll;
        }

        static CompletableFuture<Void> run(Stream stream, long total, long rate, ScheduledExecutorService timer,
                                           AtomicLong receivedAll) {
            EchoClient c = new EchoClient(stream, total, rate, timer, receivedAll);
            stream.executor().execute(() -> {
                stream.setReader(c);
                stream.resumeReading();
                c.next();
            });
            return c.result;
        }

        private static ByteBuffer pattern() {
            byte[] b = new byte[CHUNK];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (i * 31 + 7);
            }
            return ByteBuffer.wrap(b).asReadOnlyBuffer();
        }

        private void next() {
            if (sent >= total) {
                stream.closeWrite();
                return;
            }
            if (rate > 0) {
                long due = started + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    timer.schedule(() -> stream.executor().execute(this::next), wait, TimeUnit.NANOSECONDS);
                    return;
                }
            }
            int n = (int) Math.min(rate > 0 ? 16 * 1024 : CHUNK, total - sent);
            ByteBuffer chunk = PATTERN.duplicate();
            chunk.limit(n);
            sent += n;
            stream.write(chunk).whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    stream.executor().execute(this::next);
                }
            });
        }

        @Override
        public void onData(ByteBuffer data) {
            int n = data.remaining();
            data.position(data.limit());
            received += n;
            receivedAll.addAndGet(n);
            if (received >= total) {
                result.complete(null);
            }
        }

        @Override
        public void onEnd() {
            if (received < total) {
                result.completeExceptionally(new IllegalStateException("echo ended after " + received + " of "
                        + total + " bytes"));
            }
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (received < total) {
                result.completeExceptionally(cause != null ? cause : new IllegalStateException("circuit closed"
                        + " after " + received + " of " + total + " bytes"));
            }
        }
    }

    // ------------------------------------------------------------------ targets

    /** Peak and current resident set size of a process, from /proc (bytes; -1 if unknown). */
    static double[] rss(long pid) {
        double[] out = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    out[0] = Double.parseDouble(line.replaceAll("\\D", "")) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    out[1] = Double.parseDouble(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return out;
    }

    /** Our relay runtime jar in its own JVM. */
    static final class JavaRelay implements Target {
        private final Process process;
        private final Multiaddr address;
        private final String metricsUrl;
        private final HttpClient http = HttpClient.newHttpClient();

        private JavaRelay(Process process, Multiaddr address, String metricsUrl) {
            this.process = process;
            this.address = address;
            this.metricsUrl = metricsUrl;
        }

        static JavaRelay start(Path jar, String xmx, @Nullable String yamuxBudget) throws Exception {
            Path data = Files.createTempDirectory("relay-capacity-");
            Path conf = Files.createDirectories(data.resolve("conf"));
            // the relay runtime's connection defaults, as an operator's file replaces them all
            Files.writeString(conf.resolve("io.meshwork.libp2p.core.cfg"),
                    "listen.addresses = /ip4/127.0.0.1/tcp/0\nmax.connections = 12000\nlow.watermark = 11000\n");
            Files.writeString(conf.resolve("io.meshwork.metrics.cfg"), "enabled = true\nport = 0\n");
            Files.writeString(conf.resolve("io.meshwork.libp2p.relay.hop.config"),
                    "enabled = B\"true\"\nmax.reservations.per.ip = I\"1000000\"\nallow.private.addresses = B\"true\"\n");
            if (yamuxBudget != null) {
                // the relay runtime's other Yamux defaults, as an operator's file replaces them all
                Files.writeString(conf.resolve("io.meshwork.libp2p.muxer.yamux.config"), "max.window = I\"262144\"\n"
                        + "transport.high.water = I\"262144\"\nmax.buffered.total = L\"" + Long.parseLong(yamuxBudget)
                        + "\"\n");
            }
            Process relay = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + xmx,
                    "-jar", jar.toString(), "--no-shell", "--data", data.toString()).redirectErrorStream(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(relay::destroyForcibly));
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        if (l.contains("ERROR") || l.contains("Exception") || l.contains("OutOfMemory")
                                || l.contains("Relay defaults")) {
                            System.err.println("[relay] " + l);
                        }
                        lines.add(l);
                        while (lines.size() > 1000) {
                            lines.poll();
                        }
                    }
                } catch (IOException e) {
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
            return new JavaRelay(relay, Multiaddr.parse(relayAddr), metricsUrl);
        }

        @Override
        public String name() {
            return "java";
        }

        @Override
        public Multiaddr address() {
            return address;
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public Sample sample() throws Exception {
            Map<String, Double> m = scrape();
            double[] rss = rss(process.pid());
            return new Sample(m.getOrDefault("meshwork_relay_reservations", -1.0),
                    m.getOrDefault("meshwork_relay_circuits", -1.0), m.getOrDefault("heap_used", -1.0),
                    m.getOrDefault("heap_committed", -1.0), rss[0], rss[1]);
        }

        /** The relay's samples of interest, from its Prometheus text. */
        private Map<String, Double> scrape() throws Exception {
            String body = http.send(HttpRequest.newBuilder(URI.create(metricsUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Double> out = new HashMap<>();
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

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** js-libp2p's relay server ({@code relay-server.mjs}) in node. */
    static final class JsRelay implements Target {
        private final NodeProcess node;

        private JsRelay(NodeProcess node) {
            this.node = node;
        }

        static JsRelay start(Path interopDir, int heapMib, int reservations) throws IOException {
            NodeProcess node = NodeProcess.start(interopDir, List.of("--max-old-space-size=" + heapMib),
                    "relay-server.mjs", Duration.ofSeconds(60),
                    "--max-reservations", Integer.toString(reservations + 1000),
                    "--max-connections", Integer.toString(reservations + 2000),
                    "--data-limit-bytes", Long.toString(64L << 20),
                    "--duration-limit-ms", Long.toString(3_600_000L),
                    "--max-stop-streams", "300");
            return new JsRelay(node);
        }

        @Override
        public String name() {
            return "js";
        }

        @Override
        public Multiaddr address() {
            return Multiaddr.parse(node.addresses().get(0));
        }

        @Override
        public boolean alive() {
            return ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false);
        }

        @Override
        public long pid() {
            return node.pid();
        }

        @Override
        public Sample sample() {
            Map<String, Object> s = node.call("stats", new LinkedHashMap<>(), Duration.ofSeconds(30));
            double[] rss = rss(node.pid());
            return new Sample(d(s.get("reservations")), d(s.get("circuits")), d(s.get("heapUsed")),
                    d(s.get("heapTotal")), rss[0], rss[1]);
        }

        private static double d(@Nullable Object o) {
            return o instanceof Number n ? n.doubleValue() : -1;
        }

        @Override
        public void close() {
            node.close();
        }
    }

    private static void log(String msg) {
        System.err.println("[relaycapacity] " + msg);
    }
}
