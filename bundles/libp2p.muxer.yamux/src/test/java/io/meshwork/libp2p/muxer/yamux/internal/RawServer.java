package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A server session with no peer: the test plays the client by feeding raw frames and reading the sink. */
final class RawServer {

    final VirtualLoop loop = new VirtualLoop();
    final CapturingSink out = new CapturingSink();
    final SessionPair.Endpoint events = new SessionPair.Endpoint();
    final List<YamuxStream> accepted = new ArrayList<>();
    final YamuxSession session;

    RawServer(YamuxConfig config, Consumer<YamuxStream> acceptor) {
        session = new YamuxSession(YamuxSession.Role.SERVER, config, loop, out, s -> {
            accepted.add(s);
            acceptor.accept(s);
        }, events);
    }

    RawServer() {
        this(YamuxConfig.defaults(), s -> { });
    }

    void feed(ByteBuffer... frames) {
        for (ByteBuffer frame : frames) {
            session.onInbound(frame);
        }
    }

    YamuxSessionClosedException.Reason closedReason() {
        if (events.closed == null) {
            throw new AssertionError("session not closed");
        }
        return events.closed.reason();
    }
}
