package io.meshwork.libp2p.api.routing;

import io.meshwork.libp2p.api.host.Libp2pException;

/** A DHT operation failed: nothing found, nobody reachable, or an invalid record; the message says which. */
public class RoutingException extends Libp2pException {

    private static final long serialVersionUID = 1L;

    public RoutingException(String message) {
        super(message);
    }

    public RoutingException(String message, Throwable cause) {
        super(message, cause);
    }
}
