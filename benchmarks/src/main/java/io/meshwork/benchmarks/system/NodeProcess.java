package io.meshwork.benchmarks.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One {@code node-peer.mjs} process (a js-libp2p peer on loopback), driven by JSON lines on its stdin; a copy of the
 * integration tests' {@code NodePeer}. {@link #close()} asks it to exit, then kills it and its descendants by PID (a
 * shutdown hook does the same if the JVM exits early).
 */
public final class NodeProcess implements AutoCloseable {

    private static final int TAIL_LINES = 80;

    private final Process process;
    private final Writer stdin;
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Map<String, Object>> ready = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Thread shutdownHook;
    /** Receive every line with an {@code event} key but {@code ready} (e.g. pubsub messages), on the reader thread. */
    private final List<Consumer<Map<String, Object>>> eventListeners = new CopyOnWriteArrayList<>();
    /** When the process was started (System.nanoTime), for elapsed-time reports. */
    public final long startedNanos = System.nanoTime();

    private NodeProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.shutdownHook = new Thread(this::kill, "node-peer-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        pump(process.getInputStream(), "out", this::onLine);
        pump(process.getErrorStream(), "err", line -> { });
        process.onExit().thenRun(() -> {
            IllegalStateException gone = new IllegalStateException("node process exited with code "
                    + process.exitValue());
            ready.completeExceptionally(gone);
            pending.values().forEach(f -> f.completeExceptionally(gone));
        });
    }

    /** Starts {@code node --import ./polyfill.mjs <script>} in {@code dir} and waits for its ready line. */
    public static NodeProcess start(Path dir, String script, Duration timeout) throws IOException {
        return start(dir, script, timeout, new String[0]);
    }

    /**
     * Starts {@code node --import ./polyfill.mjs <script> --listen /ip4/127.0.0.1/tcp/0 <extraArgs>} in {@code dir}
     * (e.g. {@code "--pubsub", "gossipsub"}) and waits for its ready line.
     */
    public static NodeProcess start(Path dir, String script, Duration timeout, String... extraArgs)
            throws IOException {
        return start(dir, List.of(), script, timeout, extraArgs);
    }

    /** As {@link #start(Path, String, Duration, String...)}, with {@code nodeFlags} (e.g. a heap limit) for node. */
    public static NodeProcess start(Path dir, List<String> nodeFlags, String script, Duration timeout,
                                    String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(nodeFlags);
        command.addAll(List.of("--import", "./polyfill.mjs", script, "--listen", "/ip4/127.0.0.1/tcp/0"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        NodeProcess peer = new NodeProcess(pb.start());
        try {
            peer.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.close();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            peer.close();
            throw new IOException("node peer did not start: " + e + "\n" + peer.tail());
        }
        return peer;
    }

    public String peerId() {
        return (String) ready.join().get("peerId");
    }

    @SuppressWarnings("unchecked")
    public List<String> addresses() {
        return (List<String>) ready.join().get("addrs");
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Calls {@code listener} with every event line the process prints from now on (lines with an {@code event} key,
     * e.g. {@code {"event":"message",...}} of pubsub), except {@code ready}; on the stdout reader thread, in order.
     * Answers to commands (lines with an {@code id}) never reach it.
     */
    public void addEventListener(Consumer<Map<String, Object>> listener) {
        eventListeners.add(listener);
    }

    /**
     * Sends one command and waits for its answer; fails (with the process's output tail) on {@code ok:false}, on
     * timeout or if the process dies.
     */
    public Map<String, Object> call(String cmd, Map<String, Object> args, Duration timeout) {
        long id = ids.incrementAndGet();
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("id", id);
        msg.put("cmd", cmd);
        msg.putAll(args);
        msg.put("timeoutMs", timeout.toMillis());
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        String line = Json.write(msg);
        try {
            synchronized (stdin) {
                stdin.write(line + "\n");
                stdin.flush();
            }
            Map<String, Object> result = answer.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            if (!Boolean.TRUE.equals(result.get("ok"))) {
                throw new IllegalStateException("node command " + line + " failed: " + result.get("error") + "\n" + tail());
            }
            return result;
        } catch (IOException | ExecutionException e) {
            throw new IllegalStateException("node command " + line + " failed: " + e + "\n" + tail(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("node command " + line + " got no answer in " + timeout + "\n" + tail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    /** The last lines the process printed (stdout and stderr, interleaved), for failure messages. */
    public String tail() {
        StringBuilder sb = new StringBuilder("---- node peer (pid ").append(process.pid())
                .append(process.isAlive() ? ", alive" : ", exited " + process.exitValue()).append(") output tail ----\n");
        synchronized (tail) {
            tail.forEach(l -> sb.append(l).append('\n'));
        }
        return sb.append("---- end of node output ----").toString();
    }

    private void onLine(String line) {
        Map<String, Object> msg;
        try {
            msg = Json.parseObject(line);
        } catch (IllegalArgumentException e) {
            return; // not ours (a stray library print): kept in the tail only
        }
        if ("ready".equals(msg.get("event"))) {
            ready.complete(msg);
            return;
        }
        if (msg.get("id") instanceof Number n) {
            CompletableFuture<Map<String, Object>> f = pending.get(n.longValue());
            if (f != null) {
                f.complete(msg);
            }
        } else if (msg.get("event") instanceof String) {
            for (Consumer<Map<String, Object>> l : eventListeners) {
                try {
                    l.accept(msg);
                } catch (RuntimeException e) {
                    System.err.println("[node-peer] event listener failed: " + e);
                }
            }
        }
    }

    private void pump(InputStream in, String name, Consumer<String> consumer) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (tail) {
                        tail.addLast(name + "| " + (line.length() > 2000 ? line.substring(0, 2000) + "…" : line));
                        while (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    consumer.accept(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "node-peer-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Asks the process to exit; after 3 s kills it and its descendants by PID. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                synchronized (stdin) {
                    stdin.write("{\"cmd\":\"exit\"}\n");
                    stdin.flush();
                    stdin.close();
                }
                process.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            kill();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private void kill() {
        ProcessHandle handle = process.toHandle();
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        if (handle.isAlive()) {
            handle.destroyForcibly();
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
