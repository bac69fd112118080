package io.meshwork.libp2p.pubsub.internal.router;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The pubsub protocols, highest first, and what each version of GossipSub adds. */
public enum PubSubProtocol {
    MESHSUB_12("/meshsub/1.2.0"),
    MESHSUB_11("/meshsub/1.1.0"),
    MESHSUB_10("/meshsub/1.0.0"),
    FLOODSUB("/floodsub/1.0.0");

    /** Every protocol id, in preference order (for negotiation and the stream handler). */
    public static final List<String> ALL_IDS = List.of(MESHSUB_12.id, MESHSUB_11.id, MESHSUB_10.id, FLOODSUB.id);

    private final String id;

    PubSubProtocol(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static @Nullable PubSubProtocol fromId(String id) {
        for (PubSubProtocol p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return null;
    }

    /** GossipSub (mesh, control messages) rather than floodsub. */
    public boolean isGossip() {
        return this != FLOODSUB;
    }

    /** v1.1: PRUNE carries peer exchange and backoff. */
    public boolean supportsPeerExchange() {
        return this == MESHSUB_11 || this == MESHSUB_12;
    }

    /** v1.2: IDONTWANT. */
    public boolean supportsIDontWant() {
        return this == MESHSUB_12;
    }
}
