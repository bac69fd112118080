package io.meshwork.libp2p.muxer.yamux.internal;

/** The peer violated the Yamux protocol; the session is terminated with a GO_AWAY protocol error. */
public final class YamuxProtocolException extends YamuxException {

    private static final long serialVersionUID = 1L;

    public YamuxProtocolException(String message) {
        super(message);
    }
}
