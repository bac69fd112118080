package io.meshwork.libp2p.muxer.yamux.internal;

/**
 * No new streams on this session: GO_AWAY was sent ({@link YamuxSession#goAway(int)}) or received. Existing streams
 * continue; open new streams on another connection.
 */
public final class YamuxGoAwayException extends YamuxException {

    private static final long serialVersionUID = 1L;

    private final boolean remote;
    private final int code;

    public YamuxGoAwayException(boolean remote, int code) {
        super((remote ? "peer sent" : "this side sent") + " GO_AWAY (code " + Integer.toUnsignedString(code)
                + "): no new streams on this session");
        this.remote = remote;
        this.code = code;
    }

    /** Whether the peer sent the GO_AWAY (otherwise this side did). */
    public boolean isRemote() {
        return remote;
    }

    public int code() {
        return code;
    }
}
