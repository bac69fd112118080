package io.meshwork.libp2p.muxer.yamux.internal;

/**
 * A new stream could not be opened: the session has {@link YamuxConfig#maxStreams()} streams (open or waiting to
 * open), stream ids are exhausted, or a GO_AWAY was sent or received.
 */
public final class YamuxStreamLimitException extends YamuxException {

    private static final long serialVersionUID = 1L;

    public YamuxStreamLimitException(String message) {
        super(message);
    }
}
