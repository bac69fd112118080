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

    /**
     * True if the connection has data or time limits, as a relayed circuit usually has; the host then serves only
     * protocols that opt in to limited connections ({@code StreamHandler.ALLOW_LIMITED}). Transports of direct
     * connections keep the default.
     *
     * @since 1.1
     */
    default boolean isLimited() {
        return false;
    }
}
