package io.meshwork.libp2p.api.host;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Handles inbound streams of one or more protocols. Register implementations as OSGi services with the
 * {@value #PROTOCOL} property (a String or String[] of protocol ids); the host advertises exactly the protocols
 * of the registered handlers and stops advertising them when the service goes away.
 */
@ConsumerType
public interface StreamHandler {

    /** Service property naming the protocol ids a handler serves. */
    String PROTOCOL = "libp2p.protocol";

    /**
     * Service property: {@code true} if the handler also serves streams on limited (relayed) connections.
     * Default false: limited connections only carry protocols that opt in.
     */
    String ALLOW_LIMITED = "libp2p.allowLimited";

    /**
     * Takes over a freshly negotiated inbound stream. Called on the stream's executor: do not block; set a reader
     * and return. The handler owns the stream and must close or reset it.
     */
    void handle(Stream stream);
}
