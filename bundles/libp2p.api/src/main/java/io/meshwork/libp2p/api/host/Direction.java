package io.meshwork.libp2p.api.host;

/** Who opened a connection or stream. */
public enum Direction {
    /** The remote opened it. */
    INBOUND,
    /** This node opened it. */
    OUTBOUND
}
