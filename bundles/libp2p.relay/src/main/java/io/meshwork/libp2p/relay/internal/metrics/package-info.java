/** The circuit relay's samples for the node's metrics endpoint. */
@NullMarked
package io.meshwork.libp2p.relay.internal.metrics;

import org.jspecify.annotations.NullMarked;
