/**
 * Service contracts of the libp2p layer that later bundles build on: the node's identity
 * ({@link io.meshwork.libp2p.api.HostIdentity}) and, in later versions, the host, connections and streams.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
