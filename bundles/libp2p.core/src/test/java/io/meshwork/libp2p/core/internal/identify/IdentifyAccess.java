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

    /** Runs the push check now (DS would schedule it when a handler comes or goes). */
    public static void pushIfChanged(IdentifyService service) {
        service.pushIfChanged();
    }

    public static void stop(IdentifyService service) {
        service.deactivate();
    }

    public static String[] protocols() {
        return new String[] {IdentifyService.ID, IdentifyService.PUSH};
    }
}
