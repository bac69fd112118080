package io.meshwork.libp2p.muxer.yamux.internal;

/** A write was attempted after the stream's write side was closed ({@link YamuxStream#closeWrite()}). */
public final class YamuxStreamClosedException extends YamuxException {

    private static final long serialVersionUID = 1L;

    public YamuxStreamClosedException(String message) {
        super(message);
    }
}
