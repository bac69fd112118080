package io.meshwork.it.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official libp2p interop suite ({@code @libp2p/interop} 14.0.16, pinned in {@code interop-suite/package-lock.json})
 * with our node in its "go" slot: {@code interop-suite/suite.mjs} spawns the relay runtime jar in {@code --p2pd}
 * mode for "go" daemons and runs js-libp2p daemons for "js". Selected rows (mocha {@code --grep}): connect over TCP,
 * echo streams for ed25519/noise/yamux, Circuit Relay v2 in all eight js/Java combinations (both "connects" and
 * "fails to connect without a reservation"), floodsub, and the DHT group (content fetching, content routing,
 * peer routing; the suite itself skips go/go content routing). Not run: rows for transports, security protocols,
 * muxers and key types we do not implement, and the suite's gossipsub groups (skipped by the suite itself). Fails on any failing test and on any selected test that did not
 * run. Skipped when {@code node} is not installed.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class OfficialInteropIT {

    /** The suite's titles for the rows we run. */
    static final String GREP = "connection\\.tcp|over relay|ed25519/noise/yamux|pubsub\\.floodSub|dht\\.";
    /**
     * 3 connect + 16 relay + 3 echo + 4 floodsub + 11 DHT (4 content fetching, 3 content routing, 4 peer routing;
     * each counts the js/js row too).
     */
    static final int EXPECTED_PASSING = 37;

    @Test
    void officialSuiteSelectedRowsPass() throws Exception {
        if (!InteropEnvironment.commandWorks("node", "--version")) {
            System.out.println("[interop] SKIPPED OfficialInteropIT: node not found");
            Assumptions.abort("node not found: the official interop suite is skipped");
        }
        Path dir = suiteDir();
        InteropEnvironment.installDependencies(dir);
        Path jar = Path.of(System.getProperty("it.relay.jar", "../relay-runtime/target/meshwork-relay.jar"))
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "relay runtime jar missing: " + jar);
        Path logs = Path.of(System.getProperty("it.work", "target/it-work"), "official-interop").toAbsolutePath();
        Files.createDirectories(logs);
        String java = ProcessHandle.current().info().command().orElse("java");

        List<String> command = new ArrayList<>(List.of("node", "--import", "../interop-js/polyfill.mjs",
                "node_modules/mocha/bin/mocha.js", "--exit", "--timeout", "60000", "--grep", GREP, "suite.mjs"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("MESHWORK_JAR", jar.toString());
        pb.environment().put("JAVA", java);
        // small, quick-starting JVMs: up to three daemons run at once next to the suite on a small machine
        pb.environment().put("MESHWORK_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m");
        pb.environment().put("MESHWORK_P2PD_LOG", logs.toString());
        // the suite's own hook/test time budgets (20 s / 10 s) assume daemons that start in a second or two; a
        // JVM daemon needs up to ~14 s while parallel builds load a 2-core machine (assertions are unchanged)
        pb.environment().put("MESHWORK_SUITE_TIMEOUT_FACTOR", "3");
        long start = System.nanoTime();
        Process p = pb.start();
        CompletableFuture<String> output = InteropEnvironment.readAll(p.getInputStream());
        if (!p.waitFor(18, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("the interop suite did not finish within 18 minutes:\n" + output.getNow(""));
        }
        String text = output.get(30, TimeUnit.SECONDS);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        System.out.println(text);
        int passing = count(text, "passing");
        int pending = count(text, "pending");
        int failing = count(text, "failing");
        System.out.printf("[interop] official suite (@libp2p/interop 14.0.16): %d passing, %d pending, %d failing"
                + " in %d s (daemon logs in %s)%n", passing, pending, failing, seconds, logs);
        assertEquals(0, failing, "failing tests in the official interop suite:\n" + text);
        assertEquals(0, p.exitValue(), "mocha exit code:\n" + text);
        assertEquals(EXPECTED_PASSING, passing, "selected rows that passed:\n" + text);
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile("^\\s*(\\d+) " + what + "\\b", Pattern.MULTILINE).matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** {@code it.interop.suite.dir}, else {@code interop-suite} under the module directory. */
    private static Path suiteDir() {
        String configured = System.getProperty("it.interop.suite.dir");
        List<Path> candidates = configured != null && !configured.isBlank() ? List.of(Path.of(configured))
                : List.of(Path.of("interop-suite"), Path.of("integration-tests", "interop-suite"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("suite.mjs"))) {
                return p.toAbsolutePath();
            }
        }
        throw new AssertionError("interop-suite folder not found (tried " + candidates + ")");
    }
}
