package io.meshwork.libp2p.core.internal.multistream;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The outcome of a successful multistream-select negotiation.
 *
 * @param protocol the agreed protocol id
 * @param leftover bytes that arrived after the last negotiation message in the same read: the first application
 *        data (a lazy initiator's first message, or a responder's data right behind its echo). A heap buffer the
 *        receiver owns, possibly empty; it must reach the protocol's reader before anything read later.
 */
public record Negotiated(String protocol, ByteBuffer leftover) {

    public Negotiated {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(leftover, "leftover");
    }
}
