package io.meshwork.libp2p.muxer.yamux.internal;

/**
 * A write was refused because the bytes waiting for the peer's window would exceed
 * {@link YamuxConfig#maxQueuedWriteBytes()}. Nothing of the refused write was sent. Wait for the futures of earlier
 * writes before writing more.
 */
public final class YamuxWriteQueueFullException extends YamuxException {

    private static final long serialVersionUID = 1L;

    public YamuxWriteQueueFullException(String message) {
        super(message);
    }
}
