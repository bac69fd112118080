package io.meshwork.libp2p.api.nat;

/** Whether other peers can dial this node directly, as far as the node knows. */
public enum Reachability {
    /** Not (yet) determined: too few dial-back answers. */
    UNKNOWN,
    /** Peers dialed back one of our addresses successfully: we can accept direct connections. */
    PUBLIC,
    /** Dial-backs failed: we are behind a NAT or firewall and need a relay (and hole punching). */
    PRIVATE
}
