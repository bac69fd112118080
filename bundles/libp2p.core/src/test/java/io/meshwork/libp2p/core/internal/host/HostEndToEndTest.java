package io.meshwork.libp2p.core.internal.host;

import static io.meshwork.libp2p.core.internal.host.StreamTools.ECHO;
import static io.meshwork.libp2p.core.internal.host.StreamTools.SINK;
import static io.meshwork.libp2p.core.internal.host.StreamTools.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.DialException;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.PeerStore;
import io.meshwork.libp2p.api.host.ProtocolNotSupportedException;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.ping.Ping;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real hosts over loopback TCP with Noise and Yamux. */
@Timeout(120)
class HostEndToEndTest {

    private TestHosts hosts;
    private TestHosts.Node a;
    private TestHosts.Node b;

    @BeforeEach
    void start() {
        hosts = new TestHosts();
        a = hosts.start();
        b = hosts.start();
        a.handle(ECHO, StreamTools.echo());
        b.handle(ECHO, StreamTools.echo());
        b.handle(SINK, StreamTools.sink());
        // a knows where b listens (as it would from a config, mDNS or the DHT)
        a.host.peerStore().addAddresses(b.host.peerId(), b.host.listenAddresses(), Duration.ofMinutes(5));
    }

    @AfterEach
    void stop() {
        hosts.close();
    }

    private Connection connect(TestHosts.Node from, TestHosts.Node to) throws Exception {
        return from.host.connect(to.address()).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void connectsAuthenticatedWithNoiseAndYamuxBothWays() throws Exception {
        Connection c = connect(a, b);
        assertEquals(b.host.peerId(), c.remotePeer());
        assertEquals("/noise", c.security());
        assertEquals("/yamux/1.0.0", c.muxer());
        assertEquals(Direction.OUTBOUND, c.direction());
        waitUntil(() -> !b.host.connections(a.host.peerId()).isEmpty());
        Connection inbound = b.host.connections(a.host.peerId()).get(0);
        assertEquals(Direction.INBOUND, inbound.direction());
        assertEquals(a.host.peerId(), inbound.remotePeer());
    }

    @Test
    void identifiesEachOtherWithProtocolsAddressesAgentAndObservedAddress() throws Exception {
        connect(a, b);
        waitUntil(() -> a.host.peerStore().protocols(b.host.peerId()).contains(SINK)
                && b.host.peerStore().protocols(a.host.peerId()).contains(ECHO));
        assertTrue(a.host.peerStore().protocols(b.host.peerId()).contains("/ipfs/ping/1.0.0"));
        assertEquals("meshwork/test", a.host.peerStore().agentVersion(b.host.peerId()).orElseThrow());
        assertTrue(a.host.peerStore().addresses(b.host.peerId()).contains(b.host.listenAddresses().get(0)),
                "b's listen address, from its signed peer record");
        waitUntil(() -> !a.host.peerStore().observedAddresses().isEmpty());
        assertTrue(a.host.peerStore().observedAddresses().get(0).toString().startsWith("/ip4/127.0.0.1/tcp/"));
    }

    @Test
    void pushesProtocolChangesToConnectedPeers() throws Exception {
        connect(a, b);
        waitUntil(() -> a.host.peerStore().protocols(b.host.peerId()).contains(SINK));
        b.handle("/test/new/1.0.0", StreamTools.echo());
        io.meshwork.libp2p.core.internal.identify.IdentifyAccess.pushIfChanged(b.identify);
        waitUntil(() -> a.host.peerStore().protocols(b.host.peerId()).contains("/test/new/1.0.0"));
    }

    @Test
    void dialDirectOpensAnotherConnectionInTheGivenRoleAndChecksThePeer() throws Exception {
        Connection first = connect(a, b);
        Connection second = a.host.dialDirect(b.address(), Direction.OUTBOUND).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertTrue(first != second && first.isOpen() && second.isOpen());
        assertEquals(Direction.OUTBOUND, second.direction());
        waitUntil(() -> b.host.connections(a.host.peerId()).size() == 2);
        TestHosts.Node c = hosts.start();
        Multiaddr wrong = b.host.listenAddresses().get(0).withPeerId(c.host.peerId());
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> a.host.dialDirect(wrong, Direction.OUTBOUND)
                        .toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause().getMessage()).contains(c.host.peerId().toString()),
                e.getCause().toString());
    }

    @Test
    void dialDirectRespectsMaxConnections() throws Exception {
        TestHosts.Node limited = hosts.start(java.util.Map.of("max_connections", 1));
        connect(limited, b);
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> limited.host.dialDirect(a.address(), Direction.OUTBOUND).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause().getMessage()).contains("connection limit 1 reached"),
                e.getCause().toString());
        assertEquals(1, limited.host.connections().size(), "no second connection was opened");
        assertTrue(a.host.connections(limited.host.peerId()).isEmpty(), "a never saw a connection from it");
    }

    @Test
    void pingsBothWays() throws Exception {
        connect(a, b);
        for (TestHosts.Node[] pair : new TestHosts.Node[][] {{a, b}, {b, a}}) {
            Ping ping = new Ping(await(pair[0].host.newStream(pair[1].host.peerId(), List.of(Ping.PROTOCOL))),
                    new SecureRandom());
            for (int i = 0; i < 5; i++) {
                Duration rtt = ping.ping().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertTrue(rtt.toMillis() < 5_000, "rtt " + rtt);
            }
            ping.close();
        }
    }

    @Test
    void echoesOnAStreamAndHalfClosesCleanly() throws Exception {
        Stream s = await(a.host.newStream(b.host.peerId(), List.of("/nope/1.0.0", ECHO)));
        assertEquals(ECHO, s.protocol(), "falls back to the second protocol after na");
        StreamTools.Collector got = new StreamTools.Collector();
        s.setReader(got);
        byte[] msg = "hello, meshwork".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        s.write(ByteBuffer.wrap(msg));
        s.closeWrite();
        assertArrayEquals(msg, got.done.get(10, TimeUnit.SECONDS));
        s.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void reportsUnsupportedProtocolsByName() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> a.host
                .newStream(b.host.peerId(), List.of("/x/1", "/y/2")).toCompletableFuture().get(10, TimeUnit.SECONDS));
        ProtocolNotSupportedException p = assertInstanceOf(ProtocolNotSupportedException.class, e.getCause());
        assertTrue(p.getMessage().contains("/x/1") && p.getMessage().contains("/y/2"), p.getMessage());
        // the connection survives a refused stream
        assertEquals(ECHO, await(a.host.newStream(b.host.peerId(), List.of(ECHO))).protocol());
    }

    @Test
    void carriesAHundredConcurrentStreams() throws Exception {
        connect(a, b);
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Stream s = await(a.host.newStream(b.host.peerId(), List.of(ECHO)));
            StreamTools.Collector got = new StreamTools.Collector();
            s.setReader(got);
            byte[] data = new byte[10_000 + i * 97];
            new java.util.Random(i).nextBytes(data);
            sent.add(data);
            s.write(ByteBuffer.wrap(data));
            s.closeWrite();
            results.add(got.done);
        }
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(sent.get(i), results.get(i).get(30, TimeUnit.SECONDS), "stream " + i);
        }
    }

    @Test
    void transfers64MiBWithChecksum() throws Exception {
        Stream s = await(a.host.newStream(b.host.peerId(), List.of(SINK)));
        StreamTools.Collector answer = new StreamTools.Collector();
        s.setReader(answer);
        long crc = StreamTools.send(s, 64L << 20, 64 * 1024, 16, 42);
        assertEquals(crc, ByteBuffer.wrap(answer.done.get(60, TimeUnit.SECONDS)).getLong());
    }

    @Test
    void aSlowReaderSlowsTheWriterWithoutUnboundedBuffering() throws Exception {
        CompletableFuture<Stream> inbound = new CompletableFuture<>();
        StreamTools.Checksum sinkSide = new StreamTools.Checksum();
        b.handle("/test/slow/1.0.0", stream -> {
            stream.pauseReading();
            stream.setReader(sinkSide);
            inbound.complete(stream);
        });
        Stream s = await(a.host.newStream(b.host.peerId(), List.of("/test/slow/1.0.0")));
        Stream remote = inbound.get(10, TimeUnit.SECONDS);
        // A well-behaved writer: at most 4 writes of 64 KiB outstanding, 8 MiB in all.
        CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
            try {
                return StreamTools.send(s, 8L << 20, 64 * 1024, 4, 7);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(500); // the paused reader holds; give the writer every chance to run ahead
        assertEquals(0, sinkSide.received, "nothing is delivered while the reader is paused");
        assertTrue(!sender.isDone(), "the writer is held back by the paused reader (window + bounded queues)");
        remote.resumeReading();
        long crc = sender.get(60, TimeUnit.SECONDS);
        assertEquals(crc, sinkSide.done.get(30, TimeUnit.SECONDS));
        assertEquals(8L << 20, sinkSide.received);
    }

    @Test
    void aWriterThatDoesNotWaitGetsAClearErrorInsteadOfUnboundedBuffering() throws Exception {
        b.handle("/test/stalled/1.0.0", Stream::pauseReading);
        Stream s = await(a.host.newStream(b.host.peerId(), List.of("/test/stalled/1.0.0")));
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // 4 MiB at once, never waiting
            writes.add(s.write(ByteBuffer.wrap(new byte[64 * 1024])).toCompletableFuture());
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> writes.get(63).get(10, TimeUnit.SECONDS));
        assertInstanceOf(io.meshwork.libp2p.api.io.WriteQueueFullException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("Wait for earlier writes"), e.getCause().getMessage());
        s.reset();
    }

    @Test
    void refusesAPeerThatIsNotTheOneDialed() throws Exception {
        PeerId someoneElse = PeerId.fromPublicKey(TestHosts.identity().publicKey());
        Multiaddr wrong = b.host.listenAddresses().get(0).withPeerId(someoneElse);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> a.host.connect(wrong).toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertInstanceOf(DialException.class, e.getCause());
        String msg = e.getCause().getMessage();
        assertTrue(msg.contains(someoneElse.toString()) && msg.contains(b.host.peerId().toString()), msg);
    }

    @Test
    void badInputClosesOnlyTheOffendingConnectionAndTheNodeKeepsServing() throws Exception {
        java.net.InetSocketAddress target = b.host.listenAddresses().get(0).toInetSocketAddress().orElseThrow();
        java.util.Random random = new java.util.Random(1);
        // 1: garbage instead of multistream-select
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        assertClosedAfterSending(target, garbage);
        // 2: a varint announcing a huge multistream message
        assertClosedAfterSending(target, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        // 3: valid multistream-select for /noise, then a Noise message too short to be one
        ByteBuffer ms = io.meshwork.libp2p.core.internal.multistream.MultistreamCodec
                .encode("/multistream/1.0.0", "/noise");
        byte[] prefix = new byte[ms.remaining()];
        ms.get(prefix);
        byte[] badNoise = java.util.Arrays.copyOf(prefix, prefix.length + 7);
        badNoise[prefix.length + 1] = 5; // length 5, then 5 bytes: not an X25519 key
        assertClosedAfterSending(target, badNoise);
        // the node still serves everyone else
        connect(a, b);
        Ping ping = new Ping(await(a.host.newStream(b.host.peerId(), List.of(Ping.PROTOCOL))), new SecureRandom());
        ping.ping().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ping.close();
    }

    /** Sends {@code bytes} on a raw socket and expects the node to close it well before its 15 s upgrade timeout. */
    private static void assertClosedAfterSending(java.net.InetSocketAddress target, byte[] bytes) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(target, 5_000);
            socket.setSoTimeout(8_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            try {
                while (socket.getInputStream().read() != -1) {
                    assertTrue(System.nanoTime() < deadline, "node kept the connection open");
                }
            } catch (java.net.SocketException reset) {
                // a reset is a close too
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the node did not close a connection that sent bad input", e);
            }
        }
    }

    @Test
    void prunesIdleConnectionsAboveTheLowWatermarkButNeverBusyOnes() throws Exception {
        TestHosts.Node hub = hosts.start(java.util.Map.of("low_watermark", 1, "prune_grace_ms", 0L));
        hub.handle(ECHO, StreamTools.echo());
        TestHosts.Node c = hosts.start();
        connect(a, hub);
        connect(c, hub);
        waitUntil(() -> hub.host.connections().size() == 2);
        // keep one connection busy with an open stream
        Stream busy = await(a.host.newStream(hub.host.peerId(), List.of(ECHO)));
        waitUntil(() -> hub.host.connections(a.host.peerId()).get(0).streams().size() >= 1);
        waitUntil(() -> hub.host.connections(c.host.peerId()).stream().allMatch(x -> x.streams().isEmpty()));
        assertEquals(1, hub.host.prune());
        waitUntil(() -> hub.host.connections().size() == 1);
        assertEquals(a.host.peerId(), hub.host.connections().get(0).remotePeer(), "the busy connection stays");
        busy.reset();
    }

    @Test
    void deduplicatesConcurrentDialsToOnePeer() throws Exception {
        CompletableFuture<Connection> one = a.host.connect(b.address()).toCompletableFuture();
        CompletableFuture<Connection> two = a.host.connect(b.address()).toCompletableFuture();
        assertSame(one.get(20, TimeUnit.SECONDS), two.get(20, TimeUnit.SECONDS));
        assertEquals(1, a.host.connections(b.host.peerId()).size());
    }

    @Test
    void connectsByPeerIdTryingKnownAddressesUntilOneWorks() throws Exception {
        PeerStore store = a.host.peerStore();
        store.setAddresses(b.host.peerId(), List.of(), Duration.ofMinutes(5));
        // a closed port first (most recently added addresses are tried first, so add it last)
        store.addAddresses(b.host.peerId(), List.of(b.host.listenAddresses().get(0)), Duration.ofMinutes(5));
        store.addAddresses(b.host.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")), Duration.ofMinutes(5));
        Connection c = a.host.connect(b.host.peerId()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(b.host.peerId(), c.remotePeer());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 10 s");
            Thread.sleep(20);
        }
    }
}
