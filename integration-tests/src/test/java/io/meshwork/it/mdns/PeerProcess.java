package io.meshwork.it.mdns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer process started by a test (Java or js, usually inside a {@link NetNs} namespace) that prints one event per
 * line: the lines are collected as they come, and can be awaited. Its stderr goes to a log file. {@link #close()}
 * kills it and its descendants by PID.
 */
final class PeerProcess implements AutoCloseable {

    final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private final Path log;

    PeerProcess(String name, List<String> command, Path workDir) throws IOException {
        this(name, command, workDir, false);
    }

    /** With {@code mergeStderr} stderr lines are collected with stdout's (e.g. a runtime's console log). */
    PeerProcess(String name, List<String> command, Path workDir, boolean mergeStderr) throws IOException {
        this.name = name;
        Files.createDirectories(workDir);
        this.log = workDir.resolve(name + ".stderr.log");
        ProcessBuilder pb = new ProcessBuilder(command);
        if (mergeStderr) {
            pb.redirectErrorStream(true);
            Files.writeString(log, "(merged into the output)\n");
        } else {
            pb.redirectError(log.toFile());
        }
        this.process = pb.start();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The first line (from index {@code from}) matching, waiting up to {@code timeout}; fails with the output. */
    String await(Predicate<String> match, Duration timeout, String what) throws InterruptedException {
        return await(0, match, timeout, what);
    }

    String await(int from, Predicate<String> match, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        return lines.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && lines.size() == from) {
                    throw new AssertionError(name + ": no " + what + " within " + timeout + "; output:\n"
                            + String.join("\n", lines) + "\nstderr:\n" + stderr());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, 200_000_000L));
            }
        }
    }

    int size() {
        synchronized (lines) {
            return lines.size();
        }
    }

    String stderr() {
        try {
            String s = Files.readString(log);
            return s.length() > 20_000 ? s.substring(s.length() - 20_000) : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
