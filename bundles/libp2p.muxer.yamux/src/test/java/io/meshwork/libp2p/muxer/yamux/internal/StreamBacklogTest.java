package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The ACK backlog both ways, and the per-session stream limit. */
class StreamBacklogTest {

    @Test
    void the257thUnacknowledgedInboundStreamIsRefusedWithRst() {
        RawServer server = new RawServer();
        for (int i = 0; i < 256; i++) {
            server.feed(Frames.syn(2 * i + 1));
        }
        assertEquals(256, server.accepted.size());
        assertTrue(server.out.take().isEmpty(), "no ACK until the application uses a stream");

        server.feed(Frames.data(YamuxHeader.FLAG_SYN, 513, new byte[100]));

        assertEquals(256, server.accepted.size(), "not offered to the application");
        assertEquals(List.of(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, 513, 0)),
                server.out.take().stream().map(CapturingSink.Frame::header).toList());
        assertEquals(0, server.session.bufferedBytes(), "the refused stream's data was dropped");
        server.feed(Frames.data(0, 513, new byte[100])); // in flight before our RST arrived: dropped quietly
        assertFalse(server.session.isClosed());

        // The application acknowledges one stream by writing; that frees one slot.
        server.accepted.get(0).write(ByteBuffer.wrap(new byte[] {1}));
        CapturingSink.Frame ack = server.out.take().get(0);
        assertTrue(ack.header().has(YamuxHeader.FLAG_ACK));
        assertEquals(1, ack.header().streamId());
        server.feed(Frames.syn(515));
        assertEquals(257, server.accepted.size());
        server.feed(Frames.syn(517));
        assertEquals(257, server.accepted.size());
        assertTrue(server.out.take().get(0).header().has(YamuxHeader.FLAG_RST));
    }

    @Test
    void readingAStreamAcknowledgesItAtOnce() {
        RawServer server = new RawServer(YamuxConfig.builder().maxUnackedInboundStreams(1).build(), s -> { });
        server.feed(Frames.data(YamuxHeader.FLAG_SYN, 1, new byte[10]));
        assertTrue(server.out.take().isEmpty(), "no implicit ACK on arrival");

        server.accepted.get(0).setListener(new Collector()); // the application starts reading

        assertEquals(List.of(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_ACK, 1, 10)),
                server.out.take().stream().map(CapturingSink.Frame::header).toList(),
                "ACK with the consumed bytes credited back");
        server.feed(Frames.syn(3));
        assertEquals(2, server.accepted.size(), "the backlog slot was freed");
        server.feed(Frames.data(0, 1, new byte[10]));
        assertTrue(server.out.take().isEmpty(), "later reads credit lazily (half-window threshold)");
    }

    @Test
    void streamsClosedBeforeTheirAckLeaveTheBacklog() {
        RawServer server = new RawServer(YamuxConfig.builder().maxUnackedInboundStreams(2).build(), s -> { });
        server.feed(Frames.syn(1), Frames.syn(3));
        server.feed(Frames.frame(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, 1, 0));
        server.feed(Frames.syn(5));
        assertEquals(3, server.accepted.size());
        assertTrue(server.out.take().isEmpty());
    }

    @Test
    void openWaitsWhileTheOutboundBacklogIsFullAndProceedsOnAck() {
        YamuxConfig client = YamuxConfig.builder().maxOutboundBacklog(2).build();
        SessionPair p = new SessionPair(client, YamuxConfig.defaults(), s -> { }, s -> { });
        CompletableFuture<YamuxStream> first = p.client.openStream();
        CompletableFuture<YamuxStream> second = p.client.openStream();
        CompletableFuture<YamuxStream> third = p.client.openStream();
        p.pump();
        assertTrue(first.isDone() && second.isDone());
        assertFalse(third.isDone(), "two streams await the server's ACK");
        assertEquals(2, p.serverAccepted.size());

        p.serverAccepted.get(1).write(ByteBuffer.wrap(new byte[] {42})); // ACK for the second stream
        p.pump();

        assertTrue(third.isDone());
        assertEquals(5, third.join().id());
        assertEquals(3, p.serverAccepted.size());
    }

    @Test
    void cancelledWaitingOpenIsWithdrawn() {
        YamuxConfig client = YamuxConfig.builder().maxOutboundBacklog(1).build();
        SessionPair p = new SessionPair(client, YamuxConfig.defaults(), s -> { }, s -> { });
        p.client.openStream();
        CompletableFuture<YamuxStream> cancelled = p.client.openStream();
        CompletableFuture<YamuxStream> kept = p.client.openStream();
        cancelled.cancel(false);
        p.pump();
        p.serverAccepted.get(0).reset(); // releases the backlog slot
        p.pump();
        assertEquals(3, kept.join().id(), "the cancelled request took no id");
        assertEquals(2, p.serverAccepted.size());
    }

    @Test
    void openBeyondMaxStreamsFailsClearly() {
        YamuxConfig config = YamuxConfig.builder().maxStreams(2).maxOutboundBacklog(1).build();
        SessionPair p = new SessionPair(config, s -> { }, s -> { });
        p.client.openStream();
        CompletableFuture<YamuxStream> waiting = p.client.openStream();
        CompletableFuture<YamuxStream> refused = p.client.openStream();
        assertFalse(waiting.isDone());
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                refused::join);
        YamuxStreamLimitException limit = assertInstanceOf(YamuxStreamLimitException.class, e.getCause());
        assertTrue(limit.getMessage().contains("limit is 2"), limit.getMessage());
    }

    @Test
    void inboundSynBeyondMaxStreamsIsRefused() {
        RawServer server = new RawServer(YamuxConfig.builder().maxStreams(1).build(), s -> { });
        server.feed(Frames.syn(1), Frames.syn(3));
        assertEquals(1, server.accepted.size());
        assertTrue(server.out.take().get(0).header().has(YamuxHeader.FLAG_RST));
    }

    @Test
    void synAfterOurGoAwayIsRefused() {
        RawServer server = new RawServer();
        server.session.goAway(0);
        server.feed(Frames.syn(1));
        assertTrue(server.accepted.isEmpty());
        List<CapturingSink.Frame> out = server.out.take();
        assertEquals(YamuxHeader.TYPE_GO_AWAY, out.get(0).header().type());
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, 1, 0), out.get(1).header());
    }
}
