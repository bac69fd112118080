package io.meshwork.shell.internal;

import io.meshwork.libp2p.api.HostIdentity;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo {@code meshwork:whoami}: prints this node's Peer ID. Keeps working while the identity bundle is swapped:
 * the reference is dynamic and optional. Thread-safe (one volatile field).
 */
@Component(service = WhoamiCommand.class, property = {
    "osgi.command.scope=meshwork",
    "osgi.command.function=whoami"
})
public final class WhoamiCommand {

    static final String NO_IDENTITY = "No identity available: is the meshwork.identity bundle active?";

    private volatile HostIdentity identity;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindIdentity(HostIdentity identity) {
        this.identity = identity;
    }

    void unbindIdentity(HostIdentity identity) {
        if (this.identity == identity) {
            this.identity = null;
        }
    }

    /** Gogo prints the returned text. */
    public String whoami() {
        HostIdentity id = identity;
        return id == null ? NO_IDENTITY : id.peerId().toString();
    }
}
