package io.meshwork.libp2p.muxer.yamux.internal;

import org.jspecify.annotations.Nullable;

/**
 * The session has terminated: the reason given to {@link SessionListener#onSessionClosed}, and the failure of every
 * operation attempted or pending on a closed session.
 */
public final class YamuxSessionClosedException extends YamuxException {

    private static final long serialVersionUID = 1L;

    /** Why a session terminated. */
    public enum Reason {
        /** {@link YamuxSession#close()} was called. */
        LOCAL_CLOSE,
        /** The peer sent GO_AWAY with an error code (see {@link #goAwayCode()}). */
        REMOTE_GO_AWAY,
        /** The peer violated the protocol (cause: a {@link YamuxProtocolException}); we sent GO_AWAY protocol error. */
        PROTOCOL_ERROR,
        /** A ping was not answered, and nothing else arrived, within the ping timeout. */
        KEEPALIVE_TIMEOUT,
        /** The transport closed or failed underneath us (cause: the transport's exception, if any). */
        TRANSPORT_CLOSED,
        /** A bug in this muxer (cause attached); we sent GO_AWAY internal error. */
        INTERNAL_ERROR
    }

    private final Reason reason;
    private final int goAwayCode;

    public YamuxSessionClosedException(Reason reason, int goAwayCode, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.goAwayCode = goAwayCode;
    }

    public Reason reason() {
        return reason;
    }

    /** The GO_AWAY code sent or received when the session ended (0 = normal, 1 = protocol, 2 = internal error). */
    public int goAwayCode() {
        return goAwayCode;
    }
}
