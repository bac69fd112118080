package io.meshwork.libp2p.muxer.yamux.internal;

import org.jspecify.annotations.Nullable;

/**
 * A stream was reset: by the peer (RST, with the go-yamux v5 error code), locally, or because its session ended.
 * Reported to {@link StreamListener#onReset} and used to fail pending writes.
 */
public final class YamuxStreamResetException extends YamuxException {

    private static final long serialVersionUID = 1L;

    /** Who reset the stream. */
    public enum Origin {
        /** The peer sent RST. */
        REMOTE,
        /** This side called {@link YamuxStream#reset(int)} (or the muxer reset it, e.g. on a close timeout). */
        LOCAL,
        /** The session terminated (cause: the {@link YamuxSessionClosedException}). */
        SESSION
    }

    private final Origin origin;
    private final int errorCode;

    public YamuxStreamResetException(Origin origin, int errorCode, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.origin = origin;
        this.errorCode = errorCode;
    }

    public Origin origin() {
        return origin;
    }

    /**
     * The error code: received in a RST frame's length field, passed to {@code reset(code)}, or, for
     * {@link Origin#SESSION}, the GO_AWAY code of the session's end. Unsigned 32 bits; 0 means unspecified.
     */
    public int errorCode() {
        return errorCode;
    }
}
