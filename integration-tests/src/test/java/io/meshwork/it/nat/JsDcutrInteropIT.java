package io.meshwork.it.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.it.interop.InteropEnvironment;
import io.meshwork.it.nat.NatTraversalIT.NsProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * DCUtR against js-libp2p ({@code @libp2p/dcutr}) through real NATs: the namespace topology of {@link NatTraversalIT}
 * (port-restricted cone NATs on both sides), our relay ({@link NatPeer} {@code relay}), a Java peer behind one NAT and
 * a js peer ({@code interop-js/nat-peer.mjs}) behind the other. Both role assignments: js dials Java through the relay
 * (Java is DCUtR's "B" and drives it), and Java dials js (js drives it). Either way the peers end up on a direct
 * connection between the two NATs' public addresses, which carries a ping (and, Java to js, 1 MiB).
 *
 * <p>Two settings make js punch here (docs/protocols/dcutr.md, "Interop"): js's DCUtR dials only addresses outside
 * every reserved IPv4 range ({@code isPublicAndDialable} in {@code @libp2p/dcutr}'s utils.js, {@code isPrivate} of
 * {@code @libp2p/utils}), so this test's "internet" segment is {@value #WAN}.0/24 (the namespaces are not linked to
 * any real network); and Node cannot dial from its listening port, so js dials from a fixed local port that it does
 * not listen on and announces its NAT's address with that port. Needs root, nftables and node; skipped otherwise.
 */
class JsDcutrInteropIT {

    static final String WAN = "198.20.0";
    static final String PREFIX = "mwjs";
    static final int PORT = 4101;

    private static Path interop;
    private final List<NsProcess> processes = new ArrayList<>();

    @BeforeAll
    static void canRun() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(NatTraversalIT.SCRIPT),
                "js DCUtR interop skipped: " + NatTraversalIT.SCRIPT + " not found");
        Process p = new ProcessBuilder(NatTraversalIT.SCRIPT.toString(), "check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0, "js DCUtR interop skipped: " + out);
        Assumptions.assumeTrue(InteropEnvironment.commandWorks("node", "--version"),
                "js DCUtR interop skipped: node not found");
        interop = InteropEnvironment.interopDir();
        InteropEnvironment.installDependencies(interop);
    }

    @AfterEach
    void tearDown() throws Exception {
        processes.forEach(NsProcess::close);
        processes.clear();
        script("down");
    }

    static void script(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(NatTraversalIT.SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NAT_PREFIX", PREFIX);
        pb.environment().put("NAT_WAN", WAN);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("nat-topology.sh " + String.join(" ", args) + " failed: " + out);
        }
    }

    NsProcess java(String ns, String... args) throws Exception {
        NsProcess p = NsProcess.start(PREFIX + "-" + ns, args);
        processes.add(p);
        return p;
    }

    /** js behind the router whose public address is {@code wanIp}; dials from PORT, listens on PORT + 1. */
    NsProcess js(String ns, String relay, String wanIp, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "--import", interop.resolve("polyfill.mjs").toString(),
                interop.resolve("nat-peer.mjs").toString(), "--relay", relay, "--listen-port",
                String.valueOf(PORT + 1), "--dial-port", String.valueOf(PORT), "--announce",
                "/ip4/" + wanIp + "/tcp/" + PORT));
        cmd.addAll(List.of(extra));
        NsProcess p = NsProcess.command(PREFIX + "-" + ns, cmd, interop);
        processes.add(p);
        return p;
    }

    String relay() throws Exception {
        script("up", "cone", "cone");
        return java("relay", "relay", WAN + ".10", "4001").await("READY", 20_000);
    }

    /** What one run reported: the dialer's DIRECT, PING (and TRANSFER) lines, the driver's PUNCH line, the logs. */
    record Run(String direct, String ping, String transfer, String punch, String log) {
        boolean isDirect() {
            return direct.startsWith("true");
        }

        long ms() {
            Matcher m = Pattern.compile("ms=(-?\\d+)").matcher(direct);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }
    }

    /** js (behind NAT A) dials Java (behind NAT B) through the relay: Java is B and drives DCUtR. */
    Run jsDialsJava() throws Exception {
        String relay = relay();
        NsProcess bob = java("bob", "bob", relay, String.valueOf(PORT), "5000");
        String circuit = bob.await("CIRCUIT", 20_000);
        NsProcess js = js("alice", relay, WAN + ".11", "--dial", circuit);
        String direct = js.await("DIRECT", 60_000);
        String ping = js.await("PING", 20_000);
        String punch = bob.await("PUNCH", 20_000);
        return new Run(direct, ping, "", punch, "js (alice):\n" + js.log() + "\njava (bob):\n" + bob.log());
    }

    /** Java (behind NAT A) dials js (behind NAT B) through the relay: js is B and drives DCUtR. */
    Run javaDialsJs() throws Exception {
        String relay = relay();
        NsProcess js = js("bob", relay, WAN + ".12");
        String circuit = js.await("CIRCUIT", 30_000);
        NsProcess alice = java("alice", "alice", relay, circuit, String.valueOf(PORT), "5000",
                String.valueOf(1 << 20));
        String direct = alice.await("DIRECT", 60_000);
        String ping = alice.await("PING", 20_000);
        String transfer = alice.await("TRANSFER", 60_000);
        String log = "java (alice):\n" + alice.log() + "\njs (bob):\n" + js.log();
        return new Run(direct, ping, transfer, log.lines().filter(l -> l.contains("Direct connection to"))
                .findFirst().orElse(""), log);
    }

    @Test
    void jsDialsJavaThroughTheRelayAndDcutrDrivenByJavaMakesADirectConnection() throws Exception {
        Run r = jsDialsJava();
        assertTrue(r.isDirect(), "no direct connection:\n" + r.log());
        assertEquals("over=direct", r.ping().split(" ")[0], r.log());
        // the punched connection runs between the two NATs' public addresses on the ports the peers dial from
        assertTrue(r.direct().contains("remote=/ip4/" + WAN + ".12/tcp/" + PORT), r.log());
        // spec roles: js is A (it dialed through the relay), the client above TCP; Java (B) is the server
        assertTrue(r.direct().contains("direction=outbound"), r.log());
        assertTrue(r.punch().startsWith("initiator=true success=true"), "Java drove DCUtR and succeeded:\n" + r.log());
        System.out.printf("[interop] js -> Java: relayed -> direct in %d ms (js side); Java: %s%n", r.ms(), r.punch());
    }

    @Test
    void javaDialsJsThroughTheRelayAndDcutrDrivenByJsMakesADirectConnection() throws Exception {
        Run r = javaDialsJs();
        assertTrue(r.isDirect(), "no direct connection:\n" + r.log());
        assertTrue(r.direct().contains("remote=/ip4/" + WAN + ".12/tcp/" + PORT), r.log());
        // js as B always upgrades as the client above TCP: @libp2p/dcutr asks for `initiator: false`, but libp2p's
        // dial queue does not pass that option on to the upgrader. Our A is the client on attempts 1 and 2 (both
        // sides start Noise as initiators and fail) and, with swap_roles_on_last_attempt, the server on attempt 3,
        // which succeeds: Java's side of the direct connection is INBOUND.
        assertTrue(r.direct().contains("direction=INBOUND"), r.log());
        assertEquals("over=direct", r.ping().split(" ")[0], r.log());
        assertTrue(r.transfer().startsWith("over=direct bytes=" + (1 << 20)), r.log());
        System.out.printf("[interop] Java -> js: relayed -> direct in %d ms (Java side); %s%n", r.ms(), r.punch());
    }

    /** {@code -Dnat.bench.runs=N}: N runs of each direction; prints the success rate and the times. */
    @Test
    @EnabledIfSystemProperty(named = "nat.bench.runs", matches = "\\d+")
    void benchmark() throws Exception {
        int runs = Integer.getInteger("nat.bench.runs");
        StringBuilder table = new StringBuilder("| dialer through the relay -> DCUtR driver | runs | direct | relayed -> "
                + "direct median (min-max) ms |\n|---|---|---|---|\n");
        for (String direction : List.of("js -> Java", "Java -> js")) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Run r = direction.startsWith("js") ? jsDialsJava() : javaDialsJs();
                if (r.isDirect()) {
                    times.add(r.ms());
                }
                System.out.printf("bench %s run %d: %s%n", direction, i + 1, r.direct());
                processes.forEach(NsProcess::close);
                processes.clear();
                script("down");
            }
            times.sort(null);
            table.append(String.format("| %s | %d | %d | %s |%n", direction, runs, times.size(), times.isEmpty() ? "-"
                    : times.get(times.size() / 2) + " (" + times.get(0) + "-" + times.get(times.size() - 1) + ")"));
        }
        System.out.println(table);
        Files.writeString(Path.of("target/js-dcutr-benchmark.md"), table.toString());
    }
}
