package io.meshwork.libp2p.daemon.internal.proto;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;

/** {@code StreamInfo}: the remote peer of a stream, its address and the negotiated protocol. */
public record StreamInfo(PeerId peer, Multiaddr addr, String protocol) {
}
