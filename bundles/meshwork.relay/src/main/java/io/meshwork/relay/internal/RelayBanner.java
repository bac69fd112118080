package io.meshwork.relay.internal;

import io.meshwork.libp2p.api.HostIdentity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, once the relay's identity is known, what to give its users: the Peer ID; the host prints the
 * dialable addresses as it opens its listeners. Stateless after activation.
 */
@Component(immediate = true)
public final class RelayBanner {

    private static final Logger LOG = LoggerFactory.getLogger(RelayBanner.class);

    @Activate
    public RelayBanner(@Reference HostIdentity identity) {
        LOG.info("Meshwork relay is up. Peer ID: {}", identity.peerId());
        LOG.info("Give your users one of the addresses on the 'Listening on' lines (public ones for users on"
                + " the Internet) as their relay_address.");
    }
}
