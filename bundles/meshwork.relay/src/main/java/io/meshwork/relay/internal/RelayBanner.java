package io.meshwork.relay.internal;

import io.meshwork.libp2p.api.HostIdentity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, once the relay's identity is known, what to give its users: the Peer ID (and, once the
 * transport bundles exist, the dialable addresses). Stateless after activation.
 */
@Component(immediate = true)
public final class RelayBanner {

    private static final Logger LOG = LoggerFactory.getLogger(RelayBanner.class);

    @Activate
    public RelayBanner(@Reference HostIdentity identity) {
        LOG.info("Meshwork relay is up. Peer ID: {}", identity.peerId());
        LOG.info("Give your users this Peer ID for their relay_address; listen addresses are printed once"
                + " networking bundles are installed.");
    }
}
