package io.meshwork.libp2p.muxer.yamux.internal;

import static io.meshwork.libp2p.muxer.yamux.internal.Frames.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Two sessions back to back: streams both ways, bulk transfers, half close, reset, GO_AWAY, close. */
class YamuxSessionTest {

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Throwable failure(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally(), "future should have failed: " + future);
        CompletionException e = assertThrows(CompletionException.class, future::join);
        return e.getCause();
    }

    @Test
    void opensStreamsBothWaysWithClientOddAndServerEvenIdsAndEchoes() {
        SessionPair p = new SessionPair(YamuxConfig.defaults(), Streams::echo, Streams::echo);

        YamuxStream fromClient = p.open(p.client);
        Collector clientGot = new Collector();
        fromClient.setListener(clientGot);
        fromClient.write(utf8("hello "));
        fromClient.write(utf8("server"));
        fromClient.closeWrite();
        p.pump();

        YamuxStream fromServer = p.open(p.server);
        Collector serverGot = new Collector();
        fromServer.setListener(serverGot);
        fromServer.write(utf8("hello client")).join();
        fromServer.closeWrite();
        p.pump();

        assertEquals(1, fromClient.id());
        assertEquals(2, fromServer.id());
        assertTrue(fromClient.isOutbound());
        assertFalse(p.serverAccepted.get(0).isOutbound());
        assertEquals("hello server", clientGot.text());
        assertTrue(clientGot.ended);
        assertEquals("hello client", serverGot.text());
        assertTrue(serverGot.ended);
        assertEquals(0, p.client.streamCount(), "fully closed streams are forgotten");
        assertEquals(0, p.server.streamCount());
        assertEquals(0, p.client.bufferedBytes());
        assertEquals(0, p.server.bufferedBytes());
    }

    @Test
    void hundredConcurrentStreamsEchoTheirDataIntact() {
        SessionPair p = SessionPair.withDefaults(Streams::echo);
        Random random = new Random(42);
        List<byte[]> sent = new ArrayList<>();
        List<Collector> received = new ArrayList<>();
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] data = new byte[random.nextInt(300_000)];
            random.nextBytes(data);
            YamuxStream stream = p.client.openStream().join();
            Collector collector = new Collector(false);
            stream.setListener(collector);
            sent.add(data);
            received.add(collector);
            senders.add(Streams.sendAll(stream, data, 1 + random.nextInt(40_000), true));
        }
        p.pump();

        for (int i = 0; i < 100; i++) {
            assertTrue(senders.get(i).isDone() && !senders.get(i).isCompletedExceptionally(), "sender " + i);
            Collector c = received.get(i);
            assertTrue(c.ended, "stream " + i + " ended");
            assertEquals(sent.get(i).length, c.bytes, "stream " + i + " length");
            assertEquals(Streams.crc(sent.get(i)), c.crc(), "stream " + i + " checksum");
        }
        assertEquals(100, p.serverAccepted.size());
        assertEquals(0, p.client.streamCount());
        assertEquals(0, p.server.streamCount());
    }

    @Test
    void transfers64MiBOnOneStreamIntact() {
        SessionPair p = SessionPair.withDefaults(s -> { });
        Collector received = new Collector(false);
        YamuxStream stream = p.open(p.client);
        p.serverAccepted.get(0).setListener(received);
        byte[] data = new byte[64 * 1024 * 1024];
        new Random(64).nextBytes(data);

        CompletableFuture<Void> sender = Streams.sendAll(stream, data, 256 * 1024, true);
        p.pump();

        assertTrue(sender.isDone() && !sender.isCompletedExceptionally());
        assertTrue(received.ended);
        assertEquals(data.length, received.bytes);
        assertEquals(Streams.crc(data), received.crc());
        long maxPayload = p.clientOut.history().stream()
                .filter(f -> f.header().type() == YamuxHeader.TYPE_DATA)
                .mapToLong(f -> f.payload().length).max().orElseThrow();
        assertEquals(YamuxConfig.defaults().maxFramePayload(), maxPayload, "DATA frames are bounded");
    }

    @Test
    void halfCloseEndsOneDirectionAndKeepsTheOtherOpen() {
        SessionPair p = SessionPair.withDefaults(s -> { });
        YamuxStream client = p.open(p.client);
        Collector clientGot = new Collector();
        client.setListener(clientGot);
        YamuxStream server = p.serverAccepted.get(0);
        Collector serverGot = new Collector();
        server.setListener(serverGot);

        client.write(utf8("request"));
        CompletableFuture<Void> fin = client.closeWrite();
        p.pump();
        assertTrue(fin.isDone() && !fin.isCompletedExceptionally());
        assertEquals("request", serverGot.text());
        assertTrue(serverGot.ended, "server sees the client's FIN");
        assertInstanceOf(YamuxStreamClosedException.class, failure(client.write(utf8("late"))));

        server.write(utf8("response part 1, "));
        p.pump();
        server.write(utf8("part 2"));
        server.closeWrite();
        p.pump();
        assertEquals("response part 1, part 2", clientGot.text());
        assertTrue(clientGot.ended);
        assertEquals(0, p.client.streamCount());
        assertEquals(0, p.server.streamCount());
    }

    @Test
    void resetCarriesItsErrorCodeToThePeerAndFailsItsPendingWrites() {
        SessionPair p = SessionPair.withDefaults(s -> s.setListener(new Collector()));
        YamuxStream client = p.open(p.client);
        YamuxStream server = p.serverAccepted.get(0);
        client.setListener(new Collector());
        // More than the initial window: the rest waits for a window update that the reset pre-empts.
        CompletableFuture<Void> pending = server.write(ByteBuffer.allocate(300_000));
        assertFalse(pending.isDone());

        client.reset(0xC0FFEE);
        assertEquals(1, Frames.count(p.clientOut.history(),
                h -> h.has(YamuxHeader.FLAG_RST) && h.length() == 0xC0FFEE && h.type() == 1));
        p.pump();

        YamuxStreamResetException reset = assertInstanceOf(YamuxStreamResetException.class, failure(pending));
        assertEquals(YamuxStreamResetException.Origin.REMOTE, reset.origin());
        assertEquals(0xC0FFEE, reset.errorCode());
        assertEquals(0, p.client.streamCount());
        assertEquals(0, p.server.streamCount());
        assertInstanceOf(YamuxStreamResetException.class, failure(client.write(utf8("x"))));
    }

    @Test
    void listenerLearnsTheResetCodeOnce() {
        Collector serverGot = new Collector();
        SessionPair p = SessionPair.withDefaults(s -> s.setListener(serverGot));
        YamuxStream client = p.open(p.client);
        client.write(utf8("partial"));
        client.reset(7);
        p.pump();
        assertEquals("partial", serverGot.text());
        assertNotNull(serverGot.reset);
        assertEquals(7, serverGot.reset.errorCode());
        assertEquals(YamuxStreamResetException.Origin.REMOTE, serverGot.reset.origin());
        assertFalse(serverGot.ended);
    }

    @Test
    void goAwayStopsNewStreamsButExistingStreamsContinue() {
        SessionPair p = new SessionPair(YamuxConfig.defaults(), s -> { }, Streams::echo);
        YamuxStream existing = p.open(p.client);
        Collector got = new Collector();
        existing.setListener(got);

        p.server.goAway(0);
        p.pump();

        assertEquals(List.of(0), p.clientEvents.goAways);
        YamuxGoAwayException remote = assertInstanceOf(YamuxGoAwayException.class, failure(p.client.openStream()));
        assertTrue(remote.isRemote());
        YamuxGoAwayException local = assertInstanceOf(YamuxGoAwayException.class, failure(p.server.openStream()));
        assertFalse(local.isRemote());
        existing.write(utf8("still works"));
        existing.closeWrite();
        p.pump();
        assertEquals("still works", got.text());
        assertTrue(got.ended);
        assertFalse(p.client.isClosed());
        assertFalse(p.server.isClosed());
    }

    @Test
    void goAwayWithAnErrorCodeFromThePeerTerminatesTheSession() {
        SessionPair p = SessionPair.withDefaults(s -> { });
        YamuxStream stream = p.open(p.client);
        Collector got = new Collector();
        stream.setListener(got);

        p.client.onInbound(Frames.frame(YamuxHeader.TYPE_GO_AWAY, 0, 0, YamuxHeader.GO_AWAY_INTERNAL_ERROR));

        assertEquals(List.of(2), p.clientEvents.goAways);
        assertNotNull(p.clientEvents.closed);
        assertEquals(YamuxSessionClosedException.Reason.REMOTE_GO_AWAY, p.clientEvents.closed.reason());
        assertEquals(2, p.clientEvents.closed.goAwayCode());
        assertNotNull(got.reset);
        assertEquals(YamuxStreamResetException.Origin.SESSION, got.reset.origin());
        assertEquals(2, got.reset.errorCode(), "the connection's close code reaches the stream");
    }

    @Test
    void closeSendsGoAwayAndLeavesNoFutureHanging() {
        YamuxConfig config = YamuxConfig.builder().maxOutboundBacklog(1).build();
        SessionPair p = new SessionPair(config, s -> { }, s -> { });
        YamuxStream stream = p.open(p.client);
        Collector got = new Collector();
        stream.setListener(got);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(stream.write(ByteBuffer.allocate(100_000)));
        }
        futures.add(stream.closeWrite());
        futures.add(p.client.openStream()); // waits: the first stream is not acknowledged yet
        futures.add(p.client.ping());
        assertTrue(futures.stream().anyMatch(f -> !f.isDone()));

        p.client.close();

        for (CompletableFuture<?> f : futures) {
            assertTrue(f.isDone(), "no hanging future");
        }
        YamuxStreamResetException reset = assertInstanceOf(YamuxStreamResetException.class,
                failure(futures.get(4)));
        assertEquals(YamuxStreamResetException.Origin.SESSION, reset.origin());
        YamuxSessionClosedException reason = assertInstanceOf(YamuxSessionClosedException.class, reset.getCause());
        assertEquals(YamuxSessionClosedException.Reason.LOCAL_CLOSE, reason.reason());
        assertSame(reason, failure(futures.get(6)));
        assertSame(reason, failure(futures.get(7)));
        assertSame(reason, p.clientEvents.closed);
        assertEquals(1, p.clientEvents.closedCalls);
        assertNotNull(got.reset);
        List<CapturingSink.Frame> out = p.clientOut.take();
        CapturingSink.Frame last = out.get(out.size() - 1);
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, 0), last.header());
        assertSame(reason, failure(p.client.openStream()));

        p.client.close();
        assertEquals(1, p.clientEvents.closedCalls, "close is idempotent");

        // The peer hears the GO_AWAY, then the transport goes away under it.
        p.server.onInbound(ByteBuffer.wrap(last.bytes()));
        assertEquals(List.of(0), p.serverEvents.goAways);
        Collector serverSide = new Collector();
        p.serverAccepted.get(0).setListener(serverSide);
        p.server.onTransportClosed(new java.io.EOFException("connection closed"));
        assertEquals(YamuxSessionClosedException.Reason.TRANSPORT_CLOSED, p.serverEvents.closed.reason());
        assertNotNull(serverSide.reset);
        assertEquals(0, p.loop.activeTimers(), "keepalive and ping timers are cancelled");
    }

    @Test
    void pingMeasuresTheRoundTripInVirtualTime() {
        SessionPair p = SessionPair.withDefaults(s -> { });
        CompletableFuture<Duration> ping = p.client.ping();
        p.loop.advance(Duration.ofMillis(25));
        p.pump();
        assertEquals(Duration.ofMillis(25), ping.join());
        assertEquals(Duration.ofMillis(25), p.client.rtt());
    }

    @Test
    void failingListenerResetsOnlyItsStream() {
        SessionPair p = SessionPair.withDefaults(s -> s.setListener(data -> {
            throw new IllegalStateException("application bug");
        }));
        YamuxStream bad = p.open(p.client);
        Collector badSide = new Collector();
        bad.setListener(badSide);
        bad.write(utf8("boom"));
        p.pump();
        assertNotNull(badSide.reset);
        assertEquals(YamuxStreamResetException.Origin.REMOTE, badSide.reset.origin());
        assertFalse(p.server.isClosed());
        assertFalse(p.client.isClosed());
    }
}
