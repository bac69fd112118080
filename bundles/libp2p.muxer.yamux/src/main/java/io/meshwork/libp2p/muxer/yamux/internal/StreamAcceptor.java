package io.meshwork.libp2p.muxer.yamux.internal;

/**
 * Receives the streams the peer opens. Called on the session's {@link SerialExecutor}, before any data of the stream
 * is delivered: set a {@link StreamListener} here (or later; data received meanwhile is buffered within the
 * stream's window). The stream is acknowledged (ACK) with this side's first frame for it: when the application
 * first consumes data, writes, or closes it. Until then it counts against
 * {@link YamuxConfig#maxUnackedInboundStreams()}; beyond that, new streams are refused with RST.
 */
@FunctionalInterface
public interface StreamAcceptor {

    /**
     * A new inbound stream. A {@link RuntimeException} thrown here resets the stream (and is logged).
     */
    void onInboundStream(YamuxStream stream);
}
