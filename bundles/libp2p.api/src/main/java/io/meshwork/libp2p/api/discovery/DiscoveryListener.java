package io.meshwork.libp2p.api.discovery;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register as a service to hear of peers found by any discovery mechanism (mDNS on the LAN, later the
 * DHT and the relay). Sources report a peer when they first find it and again when its addresses change or after its
 * previous report expired, not on every sighting. Called from the source's thread: do not block.
 */
@ConsumerType
public interface DiscoveryListener {

    /** Service property: when set, a listener hears only of peers from these sources (e.g. {@code mdns}). */
    String SOURCES = "libp2p.discovery.sources";

    void peerDiscovered(DiscoveredPeer peer);
}
