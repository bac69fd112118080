/** The host's samples for the node's metrics endpoint. */
@NullMarked
package io.meshwork.libp2p.core.internal.metrics;

import org.jspecify.annotations.NullMarked;
