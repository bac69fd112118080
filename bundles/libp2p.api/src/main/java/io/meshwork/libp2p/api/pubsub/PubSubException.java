package io.meshwork.libp2p.api.pubsub;

import io.meshwork.libp2p.api.host.Libp2pException;

/** A publication that was refused locally; the message says why (size, validation, shutdown). */
public class PubSubException extends Libp2pException {
    private static final long serialVersionUID = 1L;

    public PubSubException(String message) {
        super(message);
    }

    public PubSubException(String message, Throwable cause) {
        super(message, cause);
    }
}
