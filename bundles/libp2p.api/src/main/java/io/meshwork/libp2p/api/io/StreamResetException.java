package io.meshwork.libp2p.api.io;

/** The remote (or a protocol violation) reset the stream; {@link #errorCode()} is the muxer's code, 0 if none. */
public class StreamResetException extends DuplexClosedException {
    private static final long serialVersionUID = 1L;
    private final long errorCode;

    public StreamResetException(String message, long errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public long errorCode() {
        return errorCode;
    }
}
