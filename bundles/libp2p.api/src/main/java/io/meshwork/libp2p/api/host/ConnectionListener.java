package io.meshwork.libp2p.api.host;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register as a service to hear about connections. Called on the connection's executor; do not block.
 */
@ConsumerType
public interface ConnectionListener {

    /** A connection is established and ready for streams. */
    void connected(Connection connection);

    /** A connection closed (any reason). */
    void disconnected(Connection connection);
}
