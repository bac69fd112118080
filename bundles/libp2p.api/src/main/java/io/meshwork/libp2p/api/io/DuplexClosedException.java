package io.meshwork.libp2p.api.io;

import java.io.IOException;

/** An operation on a {@link Duplex} that was already closed, half-closed for writing, reset or failed. */
public class DuplexClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public DuplexClosedException(String message) {
        super(message);
    }

    public DuplexClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
