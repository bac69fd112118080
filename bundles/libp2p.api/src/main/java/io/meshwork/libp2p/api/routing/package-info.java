/**
 * Finding peers, values and providers in a distributed hash table (the Kademlia DHT): {@link
 * io.meshwork.libp2p.api.routing.PeerRouting}, {@link io.meshwork.libp2p.api.routing.ValueStore}, {@link
 * io.meshwork.libp2p.api.routing.ContentRouting}, and the {@link io.meshwork.libp2p.api.routing.RecordValidator}
 * whiteboard through which bundles define record namespaces of their own.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.routing;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
