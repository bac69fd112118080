package io.meshwork.libp2p.api.host;

import io.meshwork.libp2p.api.io.Duplex;
import org.osgi.annotation.versioning.ProviderType;

/** A multiplexed stream on a {@link Connection}, speaking one negotiated protocol. */
@ProviderType
public interface Stream extends Duplex {

    /** Unique within its connection, for logs. */
    String id();

    /** The protocol id negotiated for this stream, e.g. {@code /ipfs/ping/1.0.0}. */
    String protocol();

    Connection connection();

    Direction direction();
}
