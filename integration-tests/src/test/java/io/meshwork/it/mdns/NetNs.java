package io.meshwork.it.mdns;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private LAN made of Linux network namespaces, so mDNS tests never multicast on a real interface: a bridge in
 * its own namespace and one namespace per peer, each with {@code lo} up and {@code eth0} (a veth into the bridge)
 * at {@code 10.77.0.<10+i>/24}, multicast on and a 224.0.0.0/4 route. Peers are started inside with
 * {@link #command}. {@link #close()} kills what still runs in the namespaces and deletes them. Needs root and
 * {@code ip}; {@link #create} skips the test (JUnit assumption) with the reason when it cannot build the LAN.
 */
final class NetNs implements AutoCloseable {

    final String prefix;
    final List<String> peers = new ArrayList<>();
    private final String bridge;
    private final List<String> created = new ArrayList<>();

    private final Thread reaper = new Thread(this::close, "netns-reaper");

    private NetNs(String prefix) {
        this.prefix = prefix;
        this.bridge = prefix + "-br";
        // Whatever happens to the test, the namespaces (and what runs in them) do not outlive this JVM.
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** A LAN of {@code count} peer namespaces, or the test is skipped with the reason. */
    static NetNs create(int count) {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "mDNS namespace tests need Linux network namespaces");
        assumeTrue(run(List.of("ip", "-V")).ok(), "mDNS namespace tests need the 'ip' command (iproute2)");
        assumeTrue(run(List.of("id", "-u")).output().strip().equals("0"),
                "mDNS namespace tests need root to create network namespaces; skipped (multicast is never sent on"
                        + " a real interface)");
        String prefix = "mw-mdns-" + Integer.toHexString(new SecureRandom().nextInt() & 0xFFFFFF);
        NetNs lan = new NetNs(prefix);
        try {
            lan.build(count);
        } catch (RuntimeException e) {
            lan.close();
            assumeTrue(false, "cannot build a private network namespace LAN here: " + e.getMessage());
        }
        return lan;
    }

    private void build(int count) {
        ns(bridge);
        must("ip", "-n", bridge, "link", "set", "lo", "up");
        must("ip", "-n", bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        must("ip", "-n", bridge, "link", "set", "br0", "up");
        for (int i = 0; i < count; i++) {
            String peer = prefix + "-" + i;
            ns(peer);
            peers.add(peer);
            must("ip", "-n", bridge, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns", peer);
            must("ip", "-n", bridge, "link", "set", "v" + i, "master", "br0", "up");
            must("ip", "-n", peer, "link", "set", "lo", "up");
            must("ip", "-n", peer, "addr", "add", ip(i) + "/24", "dev", "eth0");
            must("ip", "-n", peer, "link", "set", "eth0", "multicast", "on", "up");
            must("ip", "-n", peer, "route", "add", "224.0.0.0/4", "dev", "eth0");
        }
    }

    /** The IPv4 address of peer {@code i} on the LAN. */
    static String ip(int i) {
        return "10.77.0." + (10 + i);
    }

    private void ns(String name) {
        must("ip", "netns", "add", name);
        created.add(name);
    }

    /** {@code argv} to run inside peer {@code i}'s namespace. */
    List<String> command(int i, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", peers.get(i)));
        cmd.addAll(argv);
        return cmd;
    }

    /** Runs {@code argv} in peer {@code i}'s namespace and returns its output. */
    String exec(int i, String... argv) {
        Result r = run(command(i, List.of(argv)));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r.output());
        }
        return r.output();
    }

    record Result(boolean ok, String output) {
    }

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, "timed out");
            }
            return new Result(p.exitValue() == 0, out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    private static void must(String... cmd) {
        Result r = run(List.of(cmd));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + r.output().strip());
        }
    }

    /** Kills any process left in the namespaces (by PID) and deletes them. */
    @Override
    public synchronized void close() {
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran
            }
        }
        for (String name : created) {
            Result pids = run(List.of("ip", "netns", "pids", name));
            if (pids.ok()) {
                for (String pid : pids.output().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            run(List.of("ip", "netns", "del", created.get(i)));
        }
        created.clear();
    }
}
