package io.meshwork.libp2p.holepunch.internal.shell;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.holepunch.internal.HolePunching;

/** Test access to the shell's rendering. */
public final class ShellAccess {
    private ShellAccess() {
    }

    public static String render(Host host, HolePunching punching) {
        return ReachabilityCommands.render(host, punching);
    }
}
