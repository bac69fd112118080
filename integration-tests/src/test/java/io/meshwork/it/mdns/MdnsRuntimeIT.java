package io.meshwork.it.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The desktop runtime jar (real OSGi: the libp2p.mdns bundle, its DS component and configuration) in a private network
 * namespace LAN ({@link NetNs}) with a Java mDNS peer ({@link MdnsPeerMain}) beside it: they find and connect to each
 * other; stopping the libp2p.mdns bundle from the Gogo shell releases its socket and stops its multicast at once, and
 * starting it again is heard; a node configured with {@code enabled = false} never multicasts.
 */
class MdnsRuntimeIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern IDENTITY = Pattern.compile("Node identity: (\\S+)");
    private final List<AutoCloseable> open = new ArrayList<>();

    <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static Path desktopJar() {
        Path jar = Path.of(System.getProperty("it.desktop.jar", "../desktop-runtime/target/meshwork-desktop.jar"));
        assertTrue(Files.isRegularFile(jar), "runtime jar " + jar + " exists (build the runtimes first)");
        return jar;
    }

    /** The desktop runtime, headless with its shell on stdin, in namespace {@code i}; {@code mdnsCfg} its mDNS cfg. */
    PeerProcess desktop(NetNs lan, int i, String mdnsCfg) throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(MdnsNamespaceIT.workDir()), "desktop-");
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("conf").resolve("io.meshwork.libp2p.mdns.cfg"), mdnsCfg);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                desktopJar().toString(), "--data", data.toString(), "--headless");
        return track(new PeerProcess("desktop-" + i, lan.command(i, cmd), MdnsNamespaceIT.workDir(), true));
    }

    static String identity(PeerProcess desktop) throws InterruptedException {
        Matcher m = IDENTITY.matcher(desktop.await(l -> IDENTITY.matcher(l).find(), WAIT, "the node identity"));
        assertTrue(m.find());
        return m.group(1);
    }

    /** The Gogo id of the libp2p.mdns bundle, from {@code lb -s}. */
    static String mdnsBundleId(PeerProcess desktop) throws Exception {
        int from = desktop.size();
        desktop.send("lb -s libp2p.mdns");
        Pattern row = Pattern.compile("^\\D*?(\\d+)\\|(\\w+)\\s*\\|.*\\|libp2p\\.mdns \\(");
        Matcher m = row.matcher(desktop.await(from, l -> row.matcher(l).find(), WAIT, "lb row of libp2p.mdns"));
        assertTrue(m.find());
        return m.group(1);
    }

    /** Sends a shell command until a line after it matches (commands appear as their bundles' components come up). */
    static String command(PeerProcess desktop, String command, java.util.function.Predicate<String> match,
            String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            int from = desktop.size();
            desktop.send(command);
            try {
                return desktop.await(from, match, Duration.ofSeconds(2), what);
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    static String sockets(NetNs lan, int i) {
        return lan.exec(i, "ss", "-uanH", "sport", "=", ":5353").strip();
    }

    @Test
    void stoppingTheBundleStopsMulticastAtOnceAndStartingItResumes() throws Exception {
        NetNs lan = track(NetNs.create(2));
        PeerProcess desktop = desktop(lan, 0, "query.interval.ms = 1000\n");
        PeerProcess peer = track(new PeerProcess("java-peer", lan.command(1, MdnsNamespaceIT.javaPeer(
                "query_interval_ms=1000", "dial_discovered=false")), MdnsNamespaceIT.workDir()));
        String desktopId = identity(desktop);
        String peerId = MdnsNamespaceIT.id(peer.await(l -> l.startsWith("READY "), WAIT, "READY"));
        String found = peer.await(l -> l.startsWith("FOUND " + desktopId), WAIT, "FOUND of the desktop node");
        assertTrue(found.split(" ")[2].startsWith("/ip4/" + NetNs.ip(0) + "/tcp/"), found);
        // the desktop found the peer too and dialed it (dial_discovered defaults to true)
        peer.await(l -> l.equals("CONNECTED " + desktopId), WAIT, "the desktop's connection");
        command(desktop, "mdns:peers", l -> l.contains(peerId) && l.contains("/ip4/" + NetNs.ip(1) + "/tcp/"),
                "the peer in mdns:peers");
        command(desktop, "mdns:status", l -> l.contains("advertising /ip4/" + NetNs.ip(0) + "/tcp/"),
                "mdns:status advertising the LAN address");
        assertTrue(sockets(lan, 0).contains("5353"), "the desktop's mDNS socket is open");

        String id = mdnsBundleId(desktop);
        int from = desktop.size();
        desktop.send("stop " + id);
        desktop.send("lb -s libp2p.mdns");
        desktop.await(from, l -> l.matches("^\\D*?" + id + "\\|Resolved.*"), WAIT, "the bundle resolved (stopped)");
        assertEquals("", sockets(lan, 0), "no mDNS socket left in the desktop's namespace");
        Thread.sleep(1000); // packets already on the wire are read and printed
        peer.send("mark");
        String mark = peer.await(l -> l.equals("MARK"), WAIT, "MARK");
        Thread.sleep(3500); // the peer queries every second
        List<String> after = peer.lines().subList(peer.lines().indexOf(mark), peer.size());
        assertFalse(after.contains("PACKET " + NetNs.ip(0)), "the desktop multicast after its bundle stopped: "
                + after);
        assertTrue(after.contains("PACKET " + NetNs.ip(1)), "the peer went on querying: " + after);
        // the connection made through mDNS is not touched by stopping it
        from = desktop.size();
        desktop.send("libp2p:peers");
        desktop.await(from, l -> l.contains(peerId), WAIT, "the connection to the peer, still up");

        int restart = peer.size();
        desktop.send("start " + id);
        peer.await(restart, l -> l.equals("PACKET " + NetNs.ip(0)), WAIT, "a packet from the restarted bundle");
    }

    @Test
    void aNodeConfiguredOffNeverMulticasts() throws Exception {
        NetNs lan = track(NetNs.create(2));
        PeerProcess peer = track(new PeerProcess("java-listener", lan.command(1, MdnsNamespaceIT.javaPeer(
                "query_interval_ms=1000", "dial_discovered=false", "start_delay_ms=0")), MdnsNamespaceIT.workDir()));
        peer.await(l -> l.startsWith("READY "), WAIT, "READY");
        PeerProcess desktop = desktop(lan, 0, "enabled = false\n");
        identity(desktop);
        command(desktop, "mdns:status", l -> l.contains("mDNS is disabled."), "mdns:status saying disabled");
        Thread.sleep(3000); // the peer queries every second: a running mDNS would answer
        assertFalse(peer.lines().contains("PACKET " + NetNs.ip(0)), "the disabled desktop multicast: "
                + peer.lines());
        assertEquals("", sockets(lan, 0), "no mDNS socket in the desktop's namespace");
    }
}
