package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames for streams that are closed, never opened, or opened wrongly. */
class UnknownStreamTest {

    private static void assertProtocolError(RawServer server, String messagePart) {
        assertTrue(server.session.isClosed());
        assertEquals(YamuxSessionClosedException.Reason.PROTOCOL_ERROR, server.closedReason());
        assertTrue(server.events.closed.getMessage().contains(messagePart), server.events.closed.getMessage());
        List<CapturingSink.Frame> out = server.out.take();
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, 1), out.get(out.size() - 1).header());
    }

    @Test
    void dataForAClosedStreamIsConsumedAndDropped() {
        RawServer server = new RawServer();
        server.feed(Frames.syn(1));
        server.accepted.get(0).reset();
        server.out.take();

        server.feed(Frames.data(0, 1, new byte[50_000]), Frames.frame(YamuxHeader.TYPE_PING, 1, 0, 77));

        assertFalse(server.session.isClosed());
        assertEquals(0, server.session.bufferedBytes(), "no leak");
        assertEquals(List.of(new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, 77)),
                server.out.take().stream().map(CapturingSink.Frame::header).toList(),
                "framing intact after the dropped payload");
    }

    @Test
    void windowUpdateForAnUnknownStreamIsIgnored() {
        RawServer server = new RawServer();
        server.feed(Frames.frame(YamuxHeader.TYPE_WINDOW_UPDATE, 0, 9, 1000));
        server.feed(Frames.frame(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, 11, 3));
        assertFalse(server.session.isClosed());
        assertTrue(server.out.take().isEmpty());
    }

    @Test
    void dataForAStreamThePeerNeverOpenedIsAProtocolError() {
        RawServer server = new RawServer();
        server.feed(Frames.syn(1));
        server.feed(Frames.data(0, 3, new byte[10]));
        assertProtocolError(server, "never opened");
    }

    @Test
    void dataForAStreamWeNeverOpenedIsAProtocolError() {
        RawServer server = new RawServer();
        server.feed(Frames.data(0, 2, new byte[10]));
        assertProtocolError(server, "never opened");
    }

    @Test
    void synWithOurOwnIdParityIsAProtocolError() {
        RawServer server = new RawServer();
        server.feed(Frames.syn(2));
        assertProtocolError(server, "parity");
    }

    @Test
    void duplicateSynIsAProtocolError() {
        RawServer server = new RawServer();
        server.feed(Frames.syn(1), Frames.syn(1));
        assertProtocolError(server, "duplicate");
    }

    @Test
    void dataOnStreamZeroIsAProtocolError() {
        RawServer server = new RawServer();
        server.feed(Frames.data(0, 0, new byte[3]));
        assertProtocolError(server, "stream 0");
    }

    @Test
    void badVersionIsAProtocolError() {
        RawServer server = new RawServer();
        byte[] frame = new YamuxHeader(YamuxHeader.TYPE_PING, 1, 0, 1).encode();
        frame[0] = 1;
        server.feed(java.nio.ByteBuffer.wrap(frame));
        assertProtocolError(server, "version 1");
    }

    @Test
    void dataAfterThePeersFinResetsOnlyThatStream() {
        Collector got = new Collector();
        RawServer server = new RawServer(YamuxConfig.defaults(), s -> s.setListener(got));
        server.feed(Frames.data(YamuxHeader.FLAG_SYN | YamuxHeader.FLAG_FIN, 1, new byte[] {1, 2}));
        assertTrue(got.ended);
        server.feed(Frames.data(0, 1, new byte[] {3}));
        assertFalse(server.session.isClosed());
        assertEquals(2, got.bytes);
        List<CapturingSink.Frame> out = server.out.take();
        assertEquals(List.of(new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_ACK, 1, 2),
                new YamuxHeader(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_RST, 1, 0)),
                out.stream().map(CapturingSink.Frame::header).toList(), "ACK on reading, then RST");
    }

    @Test
    void outOfOrderSynsAreAccepted() {
        // go-yamux allocates ids before it sends the SYNs, so concurrent opens can arrive out of order.
        RawServer server = new RawServer();
        server.feed(Frames.syn(3), Frames.syn(1));
        assertEquals(2, server.accepted.size());
        assertFalse(server.session.isClosed());
    }
}
