/**
 * Peer discovery as other bundles see it: a {@link io.meshwork.libp2p.api.discovery.DiscoveredPeer} event (which
 * peer, at which addresses, found by which mechanism) delivered to {@link
 * io.meshwork.libp2p.api.discovery.DiscoveryListener} whiteboard services. mDNS publishes these events; the DHT and
 * the relay can publish the same ones, and the messenger consumes them without knowing the source.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.discovery;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
