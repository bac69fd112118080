package io.meshwork.libp2p.muxer.yamux.internal;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Base of every failure this muxer reports, through futures, listener callbacks and the session-closed callback. */
public abstract class YamuxException extends IOException {

    private static final long serialVersionUID = 1L;

    protected YamuxException(String message) {
        super(message);
    }

    protected YamuxException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
