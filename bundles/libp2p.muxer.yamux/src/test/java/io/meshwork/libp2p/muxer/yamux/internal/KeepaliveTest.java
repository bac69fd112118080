package io.meshwork.libp2p.muxer.yamux.internal;

import static io.meshwork.libp2p.muxer.yamux.internal.Frames.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pings: answering, keepalive in virtual time, RTT, timeouts. */
class KeepaliveTest {

    @Test
    void answersPingWithAckAndTheSameOpaqueValue() {
        RawServer server = new RawServer();
        server.feed(Frames.frame(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, 0xCAFEBABE));
        assertEquals(List.of(new YamuxHeader(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK, 0, 0xCAFEBABE)),
                server.out.take().stream().map(CapturingSink.Frame::header).toList());
        assertEquals(1, server.out.flushes, "answered and flushed at once");
    }

    @Test
    void sendsKeepalivePingsEveryIntervalAndMeasuresRtt() {
        SessionPair p = SessionPair.withDefaults(s -> { });
        assertEquals(1, Frames.count(p.clientOut.history(), is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN)),
                "an RTT ping at start");
        for (int i = 0; i < 4; i++) {
            // Pings go out every 30 s; each answer arrives 40 ms later.
            p.loop.advance(i == 0 ? Duration.ofSeconds(30) : Duration.ofMillis(30_000 - 40));
            p.loop.advance(Duration.ofMillis(40));
            p.pump();
        }
        assertEquals(5, Frames.count(p.clientOut.history(), is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN)));
        assertEquals(5, Frames.count(p.serverOut.history(), is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_ACK)));
        assertEquals(Duration.ofMillis(40), p.client.rtt());
        assertFalse(p.client.isClosed());
        assertFalse(p.server.isClosed());
    }

    @Test
    void unansweredPingClosesTheSessionAfterTheTimeout() {
        RawServer server = new RawServer();
        Collector stream = new Collector();
        server.feed(Frames.syn(1));
        server.accepted.get(0).setListener(stream);
        server.session.start();
        assertEquals(1, Frames.count(server.out.take(), is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN)));

        server.loop.advance(Duration.ofMillis(9_999));
        assertFalse(server.session.isClosed());
        server.loop.advance(Duration.ofMillis(1));

        assertTrue(server.session.isClosed());
        assertEquals(YamuxSessionClosedException.Reason.KEEPALIVE_TIMEOUT, server.closedReason());
        assertNotNull(stream.reset);
        assertEquals(YamuxStreamResetException.Origin.SESSION, stream.reset.origin());
        assertEquals(0, server.loop.activeTimers());
    }

    @Test
    void inboundTrafficCountsAsLivenessWhileThePingAnswerIsDelayed() {
        RawServer server = new RawServer();
        server.session.start();
        server.loop.advance(Duration.ofSeconds(6));
        server.feed(Frames.frame(YamuxHeader.TYPE_WINDOW_UPDATE, 0, 99, 0)); // any byte from the peer
        server.loop.advance(Duration.ofSeconds(6));
        assertFalse(server.session.isClosed(), "data arrived within the timeout");
        server.loop.advance(Duration.ofSeconds(10));
        assertTrue(server.session.isClosed(), "then silence for a whole timeout");
        assertEquals(YamuxSessionClosedException.Reason.KEEPALIVE_TIMEOUT, server.closedReason());
    }

    @Test
    void keepaliveCanBeDisabled() {
        YamuxConfig config = YamuxConfig.builder().keepaliveInterval(Duration.ZERO).build();
        SessionPair p = new SessionPair(config, s -> { }, s -> { });
        p.loop.advance(Duration.ofMinutes(10));
        p.pump();
        assertEquals(1, Frames.count(p.clientOut.history(), is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN)),
                "only the RTT ping at start");
        assertFalse(p.client.isClosed());
    }

    @Test
    void closedStreamWithoutPeerFinIsResetAfterTheCloseTimeout() {
        SessionPair p = SessionPair.withDefaults(s -> { });
        YamuxStream stream = p.open(p.client);
        stream.close();
        p.pump();
        assertEquals(1, p.client.streamCount(), "waits for the peer's FIN");
        for (int i = 0; i < 30; i++) { // keepalive pings keep flowing meanwhile
            p.loop.advance(Duration.ofSeconds(10));
            p.pump();
        }
        assertFalse(p.client.isClosed());
        assertEquals(0, p.client.streamCount());
        assertEquals(0, p.server.streamCount(), "the peer got a RST");
    }

    /** Reading paused on purpose (memory budget): the unanswered ping waits; once resumed the timeout applies again. */
    @Test
    void pausedInboundDoesNotFailThePingButResumedSilenceDoes() {
        RawServer server = new RawServer();
        server.session.start();
        assertEquals(1, Frames.count(server.out.take(), is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN)));
        server.session.setInboundPaused(true);
        server.loop.advance(Duration.ofSeconds(55));
        assertFalse(server.session.isClosed(), "no answer can arrive while we do not read");
        server.session.setInboundPaused(false);
        server.loop.advance(Duration.ofMillis(9_999));
        assertFalse(server.session.isClosed(), "the answer gets a full timeout after resuming");
        server.loop.advance(Duration.ofMillis(1));
        assertTrue(server.session.isClosed());
        assertEquals(YamuxSessionClosedException.Reason.KEEPALIVE_TIMEOUT, server.closedReason());
    }
}
