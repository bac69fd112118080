/**
 * Circuit Relay v2 plumbing shared by the hop server and the client: reading one handshake message off a stream,
 * splicing two streams with bounded buffers, and a relayed stream seen as a raw connection.
 */
@NullMarked
package io.meshwork.libp2p.relay.internal;

import org.jspecify.annotations.NullMarked;
