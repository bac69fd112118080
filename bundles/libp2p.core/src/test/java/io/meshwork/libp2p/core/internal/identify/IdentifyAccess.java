package io.meshwork.libp2p.core.internal.identify;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Host;

/** Test access to the package-private constructor. */
public final class IdentifyAccess {
    private IdentifyAccess() {
    }

    public static IdentifyService create(Host host, HostIdentity identity, String agent) {
        return new IdentifyService(host, identity, agent);
    }

    public static String[] protocols() {
        return new String[] {IdentifyService.ID, IdentifyService.PUSH};
    }
}
