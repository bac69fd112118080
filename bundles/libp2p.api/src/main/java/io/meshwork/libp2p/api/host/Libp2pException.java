package io.meshwork.libp2p.api.host;

import java.io.IOException;

/** Base of the host's failures; the message says what failed, with which peer, address or protocol. */
public class Libp2pException extends IOException {
    private static final long serialVersionUID = 1L;

    public Libp2pException(String message) {
        super(message);
    }

    public Libp2pException(String message, Throwable cause) {
        super(message, cause);
    }
}
