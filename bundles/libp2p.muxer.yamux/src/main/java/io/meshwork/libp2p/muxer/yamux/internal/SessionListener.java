package io.meshwork.libp2p.muxer.yamux.internal;

/** Session-level events. Called on the session's {@link SerialExecutor}. */
public interface SessionListener {

    /**
     * The peer sent GO_AWAY: no new outbound streams can be opened on this session. Code 0 (normal) leaves existing
     * streams running; with an error code the session terminates right after this call.
     */
    default void onRemoteGoAway(int code) {
    }

    /**
     * The session has terminated, exactly once: every stream was reset and every pending future failed before this
     * call. The transport adapter closes the connection here (after flushing the final GO_AWAY).
     */
    void onSessionClosed(YamuxSessionClosedException reason);
}
