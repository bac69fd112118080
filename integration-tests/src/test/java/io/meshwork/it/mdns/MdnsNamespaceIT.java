package io.meshwork.it.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * mDNS between Java peers, each a child JVM in its own network namespace on a private bridged LAN ({@link NetNs}):
 * nothing here multicasts on a real interface, and the test is skipped (with the reason) where namespaces cannot be
 * made. Proves: Java finds Java both ways with the LAN address only (no loopback), dials it, and stopping mDNS
 * stops all of its multicast at once and releases its socket.
 */
class MdnsNamespaceIT {

    static final Duration FIND = Duration.ofSeconds(20);
    private final List<AutoCloseable> open = new ArrayList<>();

    static Path workDir() {
        return Path.of(System.getProperty("it.work", "target/it-work"), "mdns");
    }

    static List<String> javaPeer(String... config) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", System.getProperty("java.class.path"), MdnsPeerMain.class.getName()));
        cmd.addAll(List.of(config));
        return cmd;
    }

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

    static String id(String readyLine) {
        return readyLine.split(" ")[1];
    }

    @Test
    void javaPeersFindAndDialEachOtherWithLanAddressesOnly() throws Exception {
        NetNs lan = track(NetNs.create(3));
        List<PeerProcess> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(track(new PeerProcess("java-" + i, lan.command(i, javaPeer("query_interval_ms=5000")),
                    workDir())));
        }
        List<String> ids = new ArrayList<>();
        for (PeerProcess p : peers) {
            ids.add(id(p.await(l -> l.startsWith("READY "), FIND, "READY")));
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i == j) {
                    continue;
                }
                String other = ids.get(j);
                String found = peers.get(i).await(l -> l.startsWith("FOUND " + other), FIND, "FOUND of java-" + j);
                String addrs = found.split(" ")[2];
                System.out.println("[mdns] java-" + i + " found java-" + j + " " + found.split(" ")[3]
                        + " ms after its mDNS started (1 s of it the start delay)");
                assertTrue(addrs.startsWith("/ip4/" + NetNs.ip(j) + "/tcp/"), found);
                assertFalse(addrs.contains("/127."), "loopback advertised: " + found);
                assertFalse(addrs.contains(","), "only the LAN address: " + found);
                peers.get(i).await(l -> l.equals("CONNECTED " + other), FIND, "a connection to java-" + j);
            }
        }
        // Found once each: repeated answers to the periodic queries are de-duplicated.
        for (PeerProcess p : peers) {
            assertEquals(2, p.lines().stream().filter(l -> l.startsWith("FOUND ")).count(), p.lines().toString());
        }
    }

    @Test
    void stoppingMdnsStopsAllMulticastAndReleasesTheSocket() throws Exception {
        NetNs lan = track(NetNs.create(2));
        PeerProcess a = track(new PeerProcess("java-a", lan.command(0, javaPeer("query_interval_ms=1000",
                "dial_discovered=false")), workDir()));
        PeerProcess b = track(new PeerProcess("java-b", lan.command(1, javaPeer("query_interval_ms=1000",
                "dial_discovered=false")), workDir()));
        String idA = id(a.await(l -> l.startsWith("READY "), FIND, "READY"));
        b.await(l -> l.startsWith("FOUND " + idA), FIND, "FOUND of a");
        // While running, a answers b's queries (one a second) and queries itself: b hears a's packets.
        int before = b.size();
        b.await(before, l -> l.equals("PACKET " + NetNs.ip(0)), Duration.ofSeconds(5), "a packet from a");
        assertTrue(lan.exec(0, "ss", "-uanH", "sport", "=", ":5353").contains("5353"), "a's mDNS socket is open");

        a.send("stop");
        a.await(l -> l.equals("STOPPED"), FIND, "STOPPED");
        assertEquals("", lan.exec(0, "ss", "-uanH", "sport", "=", ":5353").strip(),
                "no mDNS socket left in a's namespace after stop");
        Thread.sleep(1000); // let packets already on the wire be read and printed
        b.send("mark");
        String markLine = b.await(l -> l.equals("MARK"), FIND, "MARK");
        int mark = b.lines().indexOf(markLine);
        // b keeps querying every second; a stopped must not answer (nor query) any more.
        Thread.sleep(3500);
        List<String> after = b.lines().subList(mark, b.size());
        assertFalse(after.contains("PACKET " + NetNs.ip(0)), "a multicast after it stopped: " + after);
        assertTrue(after.contains("PACKET " + NetNs.ip(1)), "b itself went on querying: " + after);

        // Started again, a is heard again.
        a.send("start");
        a.await(l -> l.equals("STARTED"), FIND, "STARTED");
        int restart = b.size();
        b.await(restart, l -> l.equals("PACKET " + NetNs.ip(0)), Duration.ofSeconds(5), "a packet from a again");
    }

    @Test
    void ipv6GroupAndInterfaceAllowList() throws Exception {
        NetNs lan = track(NetNs.create(3));
        // 0 and 1 also use ff02::fb; 2 may only use an interface that does not exist, so it never multicasts
        PeerProcess v6a = track(new PeerProcess("java-v6a", lan.command(0, javaPeer("query_interval_ms=1000",
                "ipv6=true", "dial_discovered=false")), workDir()));
        PeerProcess v6b = track(new PeerProcess("java-v6b", lan.command(1, javaPeer("query_interval_ms=1000",
                "ipv6=true", "dial_discovered=false")), workDir()));
        PeerProcess mute = track(new PeerProcess("java-mute", lan.command(2, javaPeer("query_interval_ms=1000",
                "interfaces=eth9", "dial_discovered=false")), workDir()));
        String idA = id(v6a.await(l -> l.startsWith("READY "), FIND, "READY"));
        String idMute = id(mute.await(l -> l.startsWith("READY "), FIND, "READY"));
        v6b.await(l -> l.startsWith("FOUND " + idA), FIND, "FOUND of v6a");
        // b hears a over IPv6 too (from its link-local address); IPv4 packets are not counted twice
        v6b.await(l -> l.startsWith("PACKET fe80:"), FIND, "an IPv6 packet");
        String sockets = lan.exec(0, "ss", "-uanH", "sport", "=", ":5353").strip();
        assertEquals(2, sockets.lines().count(), "a has an IPv4 and an IPv6 mDNS socket: " + sockets);
        Thread.sleep(3000);
        assertFalse(v6b.lines().contains("PACKET " + NetNs.ip(2)), "the peer limited to eth9 multicast");
        assertFalse(v6b.lines().stream().anyMatch(l -> l.startsWith("FOUND " + idMute)), v6b.lines().toString());
        assertTrue(mute.stderr().contains("no eligible interface"), mute.stderr());
    }

    @Test
    void aFloodOfHostileDatagramsIsCountedAndDroppedAndDiscoveryGoesOn() throws Exception {
        NetNs lan = track(NetNs.create(3));
        PeerProcess victim = track(new PeerProcess("java-victim", lan.command(0, javaPeer("query_interval_ms=1000",
                "dial_discovered=false")), workDir()));
        PeerProcess attacker = track(new PeerProcess("java-attacker", lan.command(1, javaPeer(
                "dial_discovered=false")), workDir()));
        victim.await(l -> l.startsWith("READY "), FIND, "READY");
        String attackerId = id(attacker.await(l -> l.startsWith("READY "), FIND, "READY"));
        victim.await(l -> l.startsWith("FOUND " + attackerId), FIND, "FOUND of the attacker's own node");
        long start = System.nanoTime();
        attacker.send("flood 20000");
        attacker.await(l -> l.equals("FLOODED"), FIND, "FLOODED");
        System.out.println("[mdns] 20000 hostile datagrams sent in " + (System.nanoTime() - start) / 1_000_000
                + " ms");
        // a node that starts after the flood is still found: the victim's loop and state are intact
        PeerProcess late = track(new PeerProcess("java-late", lan.command(2, javaPeer("dial_discovered=false")),
                workDir()));
        String lateId = id(late.await(l -> l.startsWith("READY "), FIND, "READY"));
        victim.await(l -> l.startsWith("FOUND " + lateId), FIND, "FOUND of the node started after the flood");
        int from = victim.size();
        victim.send("stats");
        String stats = victim.await(from, l -> l.startsWith("STATS "), FIND, "STATS");
        System.out.println("[mdns] victim after the flood: " + stats);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets_malformed=(\\d+)").matcher(stats);
        assertTrue(m.find(), stats);
        assertTrue(Long.parseLong(m.group(1)) > 1000, "malformed datagrams counted: " + stats);
        assertTrue(victim.stderr().lines().noneMatch(l -> l.contains("Exception") || l.contains("ERROR")),
                victim.stderr());
    }
}
