/**
 * NAT traversal as other bundles see it: whether the node is reachable directly ({@link
 * io.meshwork.libp2p.api.nat.ReachabilityService}) and a whiteboard for changes.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.nat;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
