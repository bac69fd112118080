package io.meshwork.libp2p.api.io;

import java.io.IOException;

/**
 * A write would exceed the bounded send queue of a {@link Duplex}: the writer did not wait for earlier writes to
 * complete. Nothing of this write was queued.
 */
public class WriteQueueFullException extends IOException {
    private static final long serialVersionUID = 1L;

    public WriteQueueFullException(String message) {
        super(message);
    }
}
