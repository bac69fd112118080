package io.meshwork.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Meshwork runtime jar running as a separate process on loopback (ephemeral port), for tests that need a real
 * remote peer. Its output is kept for failure messages; {@link #close()} stops it (SIGTERM, then kill).
 */
final class RemoteNode implements AutoCloseable {

    /**
     * The node listens on 127.0.0.2 (loopback too): an address only its configuration produces, so a listener
     * opened with defaults for the instant before FileInstall applies {@code conf/} is never mistaken for it.
     */
    private static final Pattern LISTENING =
            Pattern.compile("Listening on (/ip4/127\\.0\\.0\\.2/tcp/\\d+/p2p/\\S+)");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer output = new StringBuffer();

    private RemoteNode(Process process) {
        this.process = process;
        // Whatever the test framework does with its lifecycle callbacks, the process never outlives this JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "remote-node-reaper"));
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    output.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "remote-node-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the jar with a fresh data dir whose host listens on 127.0.0.2 with an ephemeral port. */
    static RemoteNode start(Path java, Path jar, Path dataDir, List<String> extraArgs) throws IOException {
        Files.createDirectories(dataDir.resolve("conf"));
        Files.writeString(dataDir.resolve("conf").resolve("io.meshwork.libp2p.core.cfg"),
                "listen.addresses = /ip4/127.0.0.2/tcp/0\n");
        // tests never take the relay's fixed metrics port (another node of the run may hold it)
        Files.writeString(dataDir.resolve("conf").resolve("io.meshwork.metrics.cfg"), "enabled = true\nport = 0\n");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString(), "--no-shell", "--data",
                dataDir.toString()));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new RemoteNode(pb.start());
    }

    /** Waits for the host's first loopback listen address (with /p2p/) and returns it. */
    String awaitListenAddress(long timeoutSeconds) throws InterruptedException {
        return await(LISTENING, timeoutSeconds);
    }

    String await(Pattern pattern, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : line;
                }
            } else if (!process.isAlive()) {
                throw new IllegalStateException("remote node exited with " + process.exitValue() + ":\n" + output);
            }
        }
        throw new IllegalStateException("remote node printed no line matching " + pattern + " within "
                + timeoutSeconds + " s:\n" + output);
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
