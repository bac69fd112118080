package io.meshwork.libp2p.holepunch.internal.autonat;

import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage;
import java.util.concurrent.CompletableFuture;

/** Test access to the AutoNAT stream plumbing. */
public final class AutoNatTestAccess {
    private AutoNatTestAccess() {
    }

    public static CompletableFuture<AutoNatMessage> readOne(Stream s) {
        return AutoNat.readOne(s);
    }
}
