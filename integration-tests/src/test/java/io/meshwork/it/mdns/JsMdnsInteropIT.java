package io.meshwork.it.mdns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshwork.it.interop.InteropEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mDNS interop with js-libp2p's {@code @libp2p/mdns} (12.0.32, with libp2p 3.3.11): a js peer
 * ({@code interop-js/mdns-peer.mjs}) and a Java peer ({@link MdnsPeerMain}), each a child process in its own network
 * namespace on a private bridged LAN ({@link NetNs}); never on a real interface. Skipped, with the reason, without
 * node or where namespaces cannot be made.
 */
class JsMdnsInteropIT {

    static final Duration FIND = Duration.ofSeconds(25);
    static Path interopDir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void nodeAndPackages() throws Exception {
        assumeTrue(InteropEnvironment.commandWorks("node", "--version"), "node is not on the PATH: js interop skipped");
        interopDir = InteropEnvironment.interopDir();
        InteropEnvironment.installDependencies(interopDir);
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

    /** The js peer in namespace {@code i}; it runs from the interop folder (for its node_modules). */
    PeerProcess jsPeer(NetNs lan, int i) throws Exception {
        List<String> cmd = lan.command(i, List.of("node", "--import", interopDir.resolve("polyfill.mjs").toString(),
                interopDir.resolve("mdns-peer.mjs").toString(), "--interval", "2000"));
        return track(new PeerProcess("js-" + i, cmd, MdnsNamespaceIT.workDir()));
    }

    PeerProcess javaPeer(NetNs lan, int i, String... config) throws Exception {
        return track(new PeerProcess("java-" + i, lan.command(i, MdnsNamespaceIT.javaPeer(config)),
                MdnsNamespaceIT.workDir()));
    }

    static String id(PeerProcess p) throws InterruptedException {
        return p.await(l -> l.startsWith("READY "), FIND, "READY").split(" ")[1];
    }

    @Test
    void javaFindsJsAndDialsIt() throws Exception {
        NetNs lan = track(NetNs.create(2));
        PeerProcess js = jsPeer(lan, 0);
        PeerProcess java = javaPeer(lan, 1, "query_interval_ms=2000");
        String jsId = id(js);
        String javaId = id(java);
        String found = java.await(l -> l.startsWith("FOUND " + jsId), FIND, "FOUND of the js peer");
        String addrs = found.split(" ")[2];
        System.out.println("[mdns] Java found the js peer " + found.split(" ")[3] + " ms after its mDNS started");
        // js advertises its loopback address too (its filter lets private and loopback through): we drop it.
        assertTrue(addrs.startsWith("/ip4/" + NetNs.ip(0) + "/tcp/"), found);
        assertFalse(addrs.contains("/127."), "loopback accepted: " + found);
        java.await(l -> l.equals("CONNECTED " + jsId), FIND, "Java's connection to the js peer");
        js.await(l -> l.equals("CONNECTED " + javaId), FIND, "the js side of the connection");
    }

    @Test
    void jsFindsJavaAndDialsIt() throws Exception {
        NetNs lan = track(NetNs.create(2));
        PeerProcess java = javaPeer(lan, 0, "query_interval_ms=2000", "dial_discovered=false");
        PeerProcess js = jsPeer(lan, 1);
        String javaId = id(java);
        String jsId = id(js);
        String found = js.await(l -> l.startsWith("FOUND " + javaId), FIND, "js's FOUND of the Java peer");
        String addrs = found.split(" ")[2];
        System.out.println("[mdns] js found the Java peer " + found.split(" ")[3] + " ms after libp2p started");
        assertTrue(addrs.startsWith("/ip4/" + NetNs.ip(0) + "/tcp/"), found);
        assertFalse(addrs.contains(","), "Java advertises its LAN address only: " + found);
        js.send("dial " + javaId);
        js.await(l -> l.startsWith("DIALED " + javaId) || l.startsWith("DIAL-FAILED " + javaId), FIND, "the dial");
        assertTrue(js.lines().contains("DIALED " + javaId), js.lines().toString());
        java.await(l -> l.equals("CONNECTED " + jsId), FIND, "the js peer's connection at the Java peer");
        // Java found js too (it answers js's queries and reads js's answers to its own) but did not dial.
        java.await(l -> l.startsWith("FOUND " + jsId), FIND, "Java's FOUND of the js peer");
    }
}
