/**
 * The libp2p host as other bundles use it: connect to peers, open protocol streams, handle inbound protocols
 * (whiteboard {@link io.meshwork.libp2p.api.host.StreamHandler} services with the
 * {@value io.meshwork.libp2p.api.host.StreamHandler#PROTOCOL} property), and what is known about peers.
 */
@Export
@Version("1.2.0")
@NullMarked
package io.meshwork.libp2p.api.host;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
