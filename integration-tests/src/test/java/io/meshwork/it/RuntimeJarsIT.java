package io.meshwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the exported runtime jars as processes, as a user would, with a fresh data directory, on every JDK from 17
 * up that the machine has (the current one always; others found in the usual install locations).
 */
class RuntimeJarsIT {

    private static final Pattern RELAY_PEER_ID = Pattern.compile("Meshwork relay is up\\. Peer ID: (\\S+)");
    private static final Pattern NODE_IDENTITY = Pattern.compile("Node identity: (\\S+)");
    private static final long START_TIMEOUT_S = 60;
    /** The desktop runtime ships mDNS: tests keep it off, so nothing here multicasts on a real interface. */
    private static final String NO_MDNS = "-Dio.meshwork.libp2p.mdns.enabled=false";

    static Stream<Path> javaExecutables() {
        return Jdks.installed().values().stream();
    }

    @ParameterizedTest(name = "relay jar on {0}")
    @MethodSource("javaExecutables")
    void relayJarPrintsItsPeerIdAndKeepsItAcrossRestarts(Path java) throws Exception {
        Path data = newDataDir("relay");
        String first = runUntil(java, jar("it.relay.jar"), data, RELAY_PEER_ID, List.of());
        PeerId id = PeerId.parse(first);
        byte[] key = Files.readAllBytes(data.resolve("identity.key"));
        assertEquals(id, PeerId.fromPublicKey(PrivateKey.unmarshal(key).publicKey()),
                "the printed Peer ID belongs to the key in <data>/identity.key");
        String second = runUntil(java, jar("it.relay.jar"), data, RELAY_PEER_ID, List.of());
        assertEquals(first, second, "same identity after a restart");
        assertTrue(Files.isDirectory(data.resolve("plugins")));
        assertTrue(Files.isRegularFile(data.resolve("logs").resolve("relay.log")));
        assertTrue(Files.readString(data.resolve("logs").resolve("relay.log")).contains(first));
    }

    @Test
    void desktopJarRunsHeadlessAndShowsItsIdentity() throws Exception {
        Path data = newDataDir("desktop");
        String id = runUntil(Path.of(ProcessHandle.current().info().command().orElseThrow()), jar("it.desktop.jar"),
                data, NODE_IDENTITY, List.of("--headless", NO_MDNS));
        assertTrue(id.startsWith("12D3KooW"), id);
    }

    @Test
    void desktopJarWithoutADisplayPointsToHeadless() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(currentJava().toString(), "-jar", jar("it.desktop.jar").toString(),
                "--data", newDataDir("nodisplay").toString(), NO_MDNS);
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("--headless"), out);
    }

    @Test
    void aSecondNodeOnTheSameDataDirectoryIsRefusedClearly() throws Exception {
        Path data = newDataDir("locked");
        Process first = start(currentJava(), jar("it.relay.jar"), data, List.of());
        try {
            awaitLine(first, RELAY_PEER_ID);
            ProcessBuilder pb = new ProcessBuilder(currentJava().toString(), "-jar", jar("it.relay.jar").toString(),
                    "--no-shell", "--data", data.toString());
            pb.redirectErrorStream(true);
            Process second = pb.start();
            String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, second.exitValue(), out);
            assertTrue(out.contains("already using"), out);
        } finally {
            stop(first);
        }
    }

    /** The relay runtime serves Prometheus metrics (its own, the host's, pubsub's, the JVM's) and a health check. */
    @Test
    void relayJarServesMetricsAndHealth() throws Exception {
        Path data = newDataDir("metrics");
        try (ShellNode relay = new ShellNode(jar("it.relay.jar"), data, List.of("--no-shell"))) {
            String url = relay.await(Pattern.compile("Metrics on (http://127\\.0\\.0\\.1:\\d+)/metrics"));
            relay.await(RELAY_PEER_ID);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String body = "";
            // the hop server's and the host's sources register as their components come up
            while (!(body.contains("meshwork_relay_reservations") && body.contains("meshwork_libp2p_connections")
                    && body.contains("meshwork_pubsub_topics"))) {
                assertTrue(System.nanoTime() < deadline, "metrics incomplete after 30 s:\n" + body);
                Thread.sleep(200);
                body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(body.contains("# TYPE meshwork_relay_reservations gauge\nmeshwork_relay_reservations 0\n"),
                    body);
            assertTrue(body.contains("meshwork_process_resident_memory_bytes"), body);
            var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
        }
    }

    /**
     * Two runtimes as a user runs them: a relay and a headless desktop node, driven through their Gogo shells. The
     * desktop connects to the relay, both subscribe to a topic, and each one's message is printed by the other.
     */
    @Test
    void relayAndDesktopExchangePubSubMessagesThroughTheirShells() throws Exception {
        try (ShellNode relay = new ShellNode(jar("it.relay.jar"), newDataDir("ps-relay"), List.of());
                ShellNode desktop = new ShellNode(jar("it.desktop.jar"), newDataDir("ps-desktop"),
                        List.of("--headless", NO_MDNS))) {
            String relayAddress = relay.await(
                    Pattern.compile("Listening on (/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/\\S+)"));
            desktop.await(NODE_IDENTITY);
            // the desktop runtime has the mDNS bundle, its component and commands, switched off here
            desktop.sendUntilAnswered("mdns:status",
                    Pattern.compile("(mDNS is off) \\(framework property io\\.meshwork\\.libp2p\\.mdns"));
            // the shell can be up before the libp2p bundle has registered its commands: retry until it answers
            desktop.sendUntilAnswered("libp2p:connect " + relayAddress, Pattern.compile("(Connected to \\S+)"));
            relay.sendUntilAnswered("pubsub:subscribe it/chat", Pattern.compile("(Subscribed to 'it/chat')"));
            desktop.sendUntilAnswered("pubsub:subscribe it/chat", Pattern.compile("(Subscribed to 'it/chat')"));
            Pattern fromDesktop = Pattern.compile("\\[it/chat] from \\S+ \\(\\d+ bytes\\): hello from the desktop");
            Pattern fromRelay = Pattern.compile("\\[it/chat] from \\S+ \\(\\d+ bytes\\): hello from the relay");
            // the subscriptions travel over the new connection; publish until the other side has them
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!relay.seen(fromDesktop) || !desktop.seen(fromRelay)) {
                assertTrue(System.nanoTime() < deadline, "no pubsub message crossed within 30 s.\nrelay:\n"
                        + relay.output() + "\ndesktop:\n" + desktop.output());
                if (!relay.seen(fromDesktop)) {
                    desktop.send("pubsub:publish it/chat hello from the desktop");
                }
                if (!desktop.seen(fromRelay)) {
                    relay.send("pubsub:publish it/chat hello from the relay");
                }
                Thread.sleep(500);
            }
        }
    }

    /** A runtime with its Gogo shell on stdin; every output line is kept. */
    private static final class ShellNode implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.io.Writer stdin;

        ShellNode(Path jar, Path data, List<String> extra) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(currentJava().toString(), "-jar", jar.toString(), "--data",
                    data.toString()));
            cmd.addAll(extra);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectErrorStream(true);
            process = pb.start();
            stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process went away
                }
            }, "it-shell-output");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) throws IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }

        /**
         * Sends {@code command} until a line matching {@code answer} appears, again whenever the shell answers that
         * the command does not exist yet (its bundle is still starting).
         */
        void sendUntilAnswered(String command, Pattern answer) throws IOException, InterruptedException {
            String missing = "Command not found: " + command.split(" ")[0];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
            long refusals = count(missing);
            send(command);
            while (!seen(answer)) {
                assertTrue(System.nanoTime() < deadline, "no answer matching " + answer + " to '" + command
                        + "' within " + START_TIMEOUT_S + " s:\n" + output());
                assertTrue(process.isAlive(), "process exited:\n" + output());
                if (count(missing) > refusals) {
                    refusals = count(missing);
                    Thread.sleep(300);
                    send(command);
                }
                Thread.sleep(100);
            }
        }

        private long count(String text) {
            return lines.stream().filter(l -> l.contains(text)).count();
        }

        boolean seen(Pattern pattern) {
            return lines.stream().anyMatch(l -> pattern.matcher(l).find());
        }

        String await(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                assertTrue(process.isAlive(), "process exited before printing " + pattern + ":\n" + output());
                Thread.sleep(100);
            }
            fail("no line matching " + pattern + " within " + START_TIMEOUT_S + " s:\n" + output());
            return null;
        }

        String output() {
            return String.join("\n", lines);
        }

        @Override
        public void close() throws InterruptedException {
            stop(process);
        }
    }

    private static Path currentJava() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow());
    }

    private static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property));
        assertTrue(Files.isRegularFile(jar), "runtime jar " + jar + " exists (build the runtimes first)");
        return jar;
    }

    private static Path newDataDir(String prefix) throws IOException {
        Path work = Path.of(System.getProperty("it.work"));
        Files.createDirectories(work);
        Path data = Files.createTempDirectory(work, prefix + "-");
        // Tests listen on loopback only, on a free port (the relay's default is port 4001 on every interface).
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("conf").resolve("io.meshwork.libp2p.core.cfg"),
                "listen.addresses = /ip4/127.0.0.1/tcp/0\n");
        // nor on the relay's fixed metrics port: a free one (two nodes of a run must not collide)
        Files.writeString(data.resolve("conf").resolve("io.meshwork.metrics.cfg"), "enabled = true\nport = 0\n");
        return data;
    }

    /** Starts the jar, waits for {@code pattern}, stops the process gracefully, returns group 1. */
    private static String runUntil(Path java, Path jar, Path data, Pattern pattern, List<String> extra)
            throws Exception {
        Process p = start(java, jar, data, extra);
        try {
            return awaitLine(p, pattern);
        } finally {
            stop(p);
        }
    }

    private static Process start(Path java, Path jar, Path data, List<String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString(), "--no-shell",
                "--data", data.toString()));
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static String awaitLine(Process p, Pattern pattern) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process went away; the wait below reports it
            }
        }, "it-output");
        reader.setDaemon(true);
        reader.start();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (!p.isAlive() && lines.isEmpty()) {
                    fail("process exited with " + p.exitValue() + " before printing " + pattern + ":\n" + seen);
                }
                continue;
            }
            seen.append(line).append('\n');
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        fail("no line matching " + pattern + " within " + START_TIMEOUT_S + " s:\n" + seen);
        return null;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the launcher's shutdown hook stops the framework
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("runtime did not stop within 30 s of SIGTERM");
        }
    }

    /** JDKs on this machine, by feature version (17 and up), always including the one running the tests. */
    static final class Jdks {
        private Jdks() {
        }

        static Map<Integer, Path> installed() {
            Map<Integer, Path> byVersion = new TreeMap<>();
            byVersion.put(Runtime.version().feature(), currentJava());
            List<Path> roots = new ArrayList<>(List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"),
                    Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java")));
            for (Path root : roots) {
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> homes = Files.list(root)) {
                    homes.map(h -> h.resolve("bin").resolve("java")).filter(Files::isExecutable)
                            .forEach(java -> {
                                int v = featureVersion(java);
                                if (v >= 17) {
                                    byVersion.putIfAbsent(v, java);
                                }
                            });
                } catch (IOException e) {
                    // an unreadable folder holds no JDK we can use
                }
            }
            return byVersion;
        }

        private static int featureVersion(Path java) {
            try {
                Process p = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(20, TimeUnit.SECONDS);
                Matcher m = Pattern.compile("java\\.specification\\.version = (\\d+)").matcher(out);
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            } catch (IOException | InterruptedException | RuntimeException e) {
                return -1;
            }
        }
    }
}
