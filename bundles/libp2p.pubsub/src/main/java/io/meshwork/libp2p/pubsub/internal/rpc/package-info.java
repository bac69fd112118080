/**
 * The pubsub RPC wire model (schema in {@code src/main/proto/rpc.proto}), its codec with limits, message signing
 * (StrictSign / StrictNoSign) and message-id functions. Plain Java: no Netty, no OSGi.
 */
@NullMarked
package io.meshwork.libp2p.pubsub.internal.rpc;

import org.jspecify.annotations.NullMarked;
