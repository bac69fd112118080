package io.meshwork.it.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Hole punching through real NATs: {@code src/test/nat/nat-topology.sh} builds a relay on the "public" segment and
 * Alice and Bob each behind their own NAT router (nftables, in network namespaces), and {@link NatPeer} processes
 * run in them. Port-restricted cone NATs on both sides: DCUtR makes a direct TCP connection (simultaneous open from
 * the listen ports), which carries a ping and 16 MiB. A symmetric NAT on either side: no direct connection, and ping
 * and data still flow through the relay. Needs root, iproute2 and nftables; elsewhere every test is skipped with
 * the reason. {@code -Dnat.bench.runs=20} also runs the benchmark (20 runs per NAT pairing, see docs/benchmarks.md).
 */
class NatTraversalIT {

    static final Path SCRIPT = Path.of("src/test/nat/nat-topology.sh").toAbsolutePath();
    static final int MIB16 = 16 * 1024 * 1024;
    static final String PREFIX = "mwnat";

    private final List<NsProcess> processes = new ArrayList<>();

    @BeforeAll
    static void canRun() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SCRIPT), "NAT system test skipped: " + SCRIPT + " not found");
        Process p = new ProcessBuilder(SCRIPT.toString(), "check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0, "NAT system test skipped: " + out);
    }

    @AfterEach
    void tearDown() throws Exception {
        processes.forEach(NsProcess::close);
        processes.clear();
        script("down");
    }

    static void script(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("nat-topology.sh " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** What Alice reported for one run. */
    record Run(boolean direct, long directMs, String pingOver, String transferOver, long transferBytes,
               long transferMs, String log) {
    }

    /** Builds the topology, starts relay, Bob and Alice, and returns Alice's report. Port varies per run. */
    Run run(String natA, String natB, int payload, long dialTimeout, int port) throws Exception {
        script("up", natA, natB);
        NsProcess relay = start(PREFIX + "-relay", "relay", "10.200.0.10", "4001");
        String relayAddr = relay.await("READY", 20_000);
        NsProcess bob = start(PREFIX + "-bob", "bob", relayAddr, String.valueOf(port), String.valueOf(dialTimeout));
        String circuit = bob.await("CIRCUIT", 20_000);
        NsProcess alice = start(PREFIX + "-alice", "alice", relayAddr, circuit, String.valueOf(port),
                String.valueOf(dialTimeout), String.valueOf(payload));
        String direct = alice.await("DIRECT", 60_000);
        String ping = alice.await("PING", 30_000);
        String transfer = alice.await("TRANSFER", 120_000);
        alice.await("DONE", 10_000);
        String log = "alice:\n" + alice.log() + "\nbob:\n" + bob.log();
        Matcher d = Pattern.compile("(true|false) ms=(-?\\d+)").matcher(direct);
        Matcher t = Pattern.compile("over=(\\w+) bytes=(\\d+) ms=(\\d+)").matcher(transfer);
        Matcher p = Pattern.compile("over=(\\w+)").matcher(ping);
        assertTrue(d.find() && t.find() && p.find(), log);
        Run r = new Run(Boolean.parseBoolean(d.group(1)), Long.parseLong(d.group(2)), p.group(1), t.group(1),
                Long.parseLong(t.group(2)), Long.parseLong(t.group(3)), log);
        processes.forEach(NsProcess::close);
        processes.clear();
        return r;
    }

    NsProcess start(String ns, String... args) throws IOException {
        NsProcess p = NsProcess.start(ns, args);
        processes.add(p);
        return p;
    }

    @Test
    void coneAndConeGiveADirectConnectionThatCarriesPingAnd16MiB() throws Exception {
        Run r = run("cone", "cone", MIB16, 5_000, 4101);
        assertTrue(r.direct(), "no direct connection through two cone NATs:\n" + r.log());
        assertEquals("direct", r.pingOver(), r.log());
        assertEquals("direct", r.transferOver(), r.log());
        assertEquals(MIB16, r.transferBytes(), r.log());
        // The TCP transport dials from the listen port (SO_REUSEPORT): the relay saw Alice's router keep port 4101,
        // and the punched connection runs between the two routers' public addresses on the listen ports.
        assertTrue(r.log().contains("OBSERVED [/ip4/10.200.0.11/tcp/4101"), r.log());
        assertTrue(r.log().contains("remote=/ip4/10.200.0.12/tcp/4101"), r.log());
        // DCUtR roles: Alice (dialed through the relay) is the client above TCP
        assertTrue(r.log().contains("direction=OUTBOUND"), r.log());
        System.out.printf("cone/cone: relayed -> direct in %d ms; 16 MiB in %d ms%n", r.directMs(), r.transferMs());
    }

    @Test
    void symmetricNatOnOneSideStaysRelayedAndTrafficFlows() throws Exception {
        assertStaysRelayed(run("cone", "sym", 256 * 1024, 2_000, 4201));
    }

    @Test
    void symmetricNatOnBothSidesStaysRelayedAndTrafficFlows() throws Exception {
        assertStaysRelayed(run("sym", "sym", 256 * 1024, 2_000, 4301));
    }

    private static void assertStaysRelayed(Run r) {
        assertTrue(!r.direct(), "a direct connection through a symmetric NAT is not expected:\n" + r.log());
        assertEquals("relayed", r.pingOver(), r.log());
        assertEquals("relayed", r.transferOver(), r.log());
        assertEquals(256 * 1024, r.transferBytes(), r.log());
        assertTrue(r.log().contains("PUNCH initiator=true success=false attempts=3"), "Bob tried 3 times:\n"
                + r.log());
    }

    /** 20 runs (or {@code nat.bench.runs}) per NAT pairing; prints a table for docs/benchmarks.md. */
    @Test
    @EnabledIfSystemProperty(named = "nat.bench.runs", matches = "\\d+")
    void benchmark() throws Exception {
        int runs = Integer.getInteger("nat.bench.runs");
        StringBuilder table = new StringBuilder("| NAT A / NAT B | runs | direct | success rate | relayed -> direct"
                + " median (min-max) ms | 16 MiB direct median ms |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, String> pairing : List.of(Map.entry("cone", "cone"), Map.entry("cone", "sym"),
                Map.entry("sym", "sym"))) {
            List<Long> times = new ArrayList<>();
            List<Long> transfers = new ArrayList<>();
            int ok = 0;
            for (int i = 0; i < runs; i++) {
                boolean cone = pairing.getKey().equals("cone") && pairing.getValue().equals("cone");
                Run r = run(pairing.getKey(), pairing.getValue(), cone ? MIB16 : 64 * 1024, cone ? 5_000 : 2_000,
                        5000 + i);
                if (r.direct()) {
                    ok++;
                    times.add(r.directMs());
                    transfers.add(r.transferMs());
                }
                System.out.printf("bench %s/%s run %d: direct=%s ms=%d%n", pairing.getKey(), pairing.getValue(), i + 1,
                        r.direct(), r.directMs());
                script("down");
            }
            times.sort(null);
            transfers.sort(null);
            table.append(String.format("| %s / %s | %d | %d | %.0f %% | %s | %s |%n", pairing.getKey(),
                    pairing.getValue(), runs, ok, 100.0 * ok / runs,
                    times.isEmpty() ? "-" : times.get(times.size() / 2) + " (" + times.get(0) + "-"
                            + times.get(times.size() - 1) + ")",
                    transfers.isEmpty() ? "-" : String.valueOf(transfers.get(transfers.size() / 2))));
        }
        System.out.println(table);
        Files.writeString(Path.of("target/nat-benchmark.md"), table.toString());
    }

    /** A {@link NatPeer} JVM inside a namespace, its output collected line by line. */
    static final class NsProcess implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuffer log = new StringBuffer();

        private NsProcess(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        log.append(line).append('\n');
                        if (line.startsWith("NATPEER ")) {
                            lines.add(line.substring(8));
                        }
                    }
                } catch (IOException e) {
                    // process gone
                }
            }, "natpeer-output");
            t.setDaemon(true);
            t.start();
        }

        /** Any command inside namespace {@code ns} (e.g. a js peer), output collected the same way. */
        static NsProcess command(String ns, List<String> command, Path dir) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(command);
            return new NsProcess(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start());
        }

        static NsProcess start(String ns, String... args) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xss512k", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    "-Dorg.slf4j.simpleLogger.log.io.meshwork.libp2p.holepunch=debug",
                    "-cp", System.getProperty("java.class.path"), NatPeer.class.getName()));
            cmd.addAll(List.of(args));
            return new NsProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }

        /** The rest of the next line that starts with {@code key}, skipping others; fails on ERROR or timeout. */
        String await(String key, long millis) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (true) {
                String line = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no " + key + " within " + millis + " ms; output:\n" + log);
                }
                if (line.startsWith("ERROR")) {
                    throw new AssertionError(line + "\n" + log);
                }
                if (line.startsWith(key)) {
                    return line.substring(key.length()).trim();
                }
            }
        }

        String log() {
            return log.toString();
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // gone
            }
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
