package io.meshwork.libp2p.api.spi;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import org.osgi.annotation.versioning.ProviderType;

/** A transport connection before security and multiplexing: plain bytes. */
@ProviderType
public interface RawConnection extends Duplex {

    Multiaddr localAddress();

    Multiaddr remoteAddress();

    Direction direction();
}
