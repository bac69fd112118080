package io.meshwork.libp2p.perf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.PerfTestHosts;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two real hosts in one JVM over loopback TCP + Noise + Yamux: the perf server on one, the client on the other.
 * Prints the measured rates; asserts only byte counts and outcomes (no timing assertions).
 */
class PerfEndToEndTest {

    private static final long MIB = 1024 * 1024;
    private static final long MAX_DOWNLOAD = 1024 * MIB;

    private static PerfTestHosts hosts;
    private static PerfTestHosts.Node server;
    private static PerfTestHosts.Node client;
    private static PerfTestHosts.Node withoutPerf;
    private static PerfHandler handler;
    private static final PerfClient PERF = new PerfClient();

    @BeforeAll
    static void start() {
        hosts = new PerfTestHosts();
        server = hosts.start();
        client = hosts.start();
        withoutPerf = hosts.start();
        handler = new PerfHandler(MAX_DOWNLOAD, 4, 64 * 1024, 8);
        server.handle(PerfClient.PROTOCOL, handler);
    }

    @AfterAll
    static void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private static CompletableFuture<PerfResult> run(Multiaddr target, long up, long down) {
        return PERF.run(client.host(), target, up, down).toCompletableFuture();
    }

    @ParameterizedTest(name = "{0} B up, {1} B down")
    @CsvSource({
        "67108864, 67108864",
        "67108864, 67108864",
        "0, 1048576",
        "1048576, 0",
        "0, 0",
    })
    void transfers(long up, long down) throws Exception {
        PerfResult r = run(server.address(), up, down).get(60, TimeUnit.SECONDS);
        System.out.printf("perf %d B up / %d B down: %s%n", up, down, r);
        assertEquals(up, r.uploadBytes());
        assertEquals(down, r.downloadBytes());
        waitUntilIdle();
    }

    @Test
    void greedyClientSettingsAreCappedToFitTheMuxerQueue() throws Exception {
        // 64 writes of 512 KiB would overrun Yamux's 1 MiB per-stream write queue; the client caps them.
        PerfResult r = new PerfClient(512 * 1024, 64).run(client.host(), server.address(), 16 * MIB, MIB)
                .toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println("perf with 512 KiB writes: " + r);
        assertEquals(16 * MIB, r.uploadBytes());
        waitUntilIdle();
    }

    @Test
    void oversizedRequestIsRefused() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> run(server.address(), MIB, MAX_DOWNLOAD + 1).get(60, TimeUnit.SECONDS));
        PerfException p = assertInstanceOf(PerfException.class, e.getCause());
        System.out.println(p.getMessage());
        assertEquals(PerfException.Step.UPLOAD, p.step());
        waitUntilIdle();
    }

    @Test
    void peerWithoutPerf() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> run(withoutPerf.address(), 0, 0).get(60, TimeUnit.SECONDS));
        PerfException p = assertInstanceOf(PerfException.class, e.getCause());
        System.out.println(p.getMessage());
        assertEquals(PerfException.Step.OPEN_STREAM, p.step());
        assertTrue(p.getMessage().contains("libp2p.perf bundle"), p.getMessage());
    }

    @Test
    void unreachablePeer() throws Exception {
        // A peer nobody has met, at a port nobody listens on.
        PeerId nobody = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
        Multiaddr target = Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + nobody);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> PERF.run(server.host(), target, 0, 0).toCompletableFuture().get(60, TimeUnit.SECONDS));
        PerfException p = assertInstanceOf(PerfException.class, e.getCause());
        System.out.println(p.getMessage());
        assertEquals(PerfException.Step.CONNECT, p.step());
    }

    @Test
    void command() {
        PerfCommand command = new PerfCommand(client.host(), PERF, 60);
        String out = command.perf(server.address().toString(), "1MiB", "2MiB");
        System.out.println("libp2p:perf -> " + out);
        String line = "upload 1048576 B in \\d+\\.\\d{3} s = \\d+\\.\\d MB/s; download 2097152 B in \\d+\\.\\d{3} s ="
                + " \\d+\\.\\d MB/s \\(connect \\d+\\.\\d ms, stream open \\d+\\.\\d ms\\)";
        assertTrue(out.matches(line), out);
        String inBytes = command.perf(server.address().toString(), MIB, 2 * MIB);
        assertTrue(inBytes.matches(line), inBytes);

        String noPeer = command.perf("/ip4/127.0.0.1/tcp/1", 1, 1);
        assertTrue(noPeer.startsWith("Not a full address"), noPeer);
        String bad = command.perf("nonsense", 1, 1);
        assertTrue(bad.startsWith("Not a multiaddr"), bad);
        String badSize = command.perf(server.address().toString(), "1 PiB", "1");
        assertTrue(badSize.startsWith("Bad size"), badSize);
        String refused = command.perf(server.address().toString(), "0", "2GiB");
        System.out.println("libp2p:perf -> " + refused);
        assertTrue(refused.startsWith("Perf failed: upload failed: "), refused);
        assertTrue(!refused.contains("\n") && !refused.contains("\tat "), "one line, no stack trace");
    }

    /** The server's stream bookkeeping returns to zero once the stream is finished on its side too. */
    private static void waitUntilIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handler.active() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, handler.active(), "server streams still open");
    }
}
