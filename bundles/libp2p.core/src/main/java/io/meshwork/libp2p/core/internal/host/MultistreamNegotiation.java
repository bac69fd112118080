package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.core.internal.multistream.MultistreamNegotiator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/** {@link Negotiation} by multistream-select 1.0. Stateless. */
final class MultistreamNegotiation implements Negotiation {

    @Override
    public CompletionStage<Result> initiate(Duplex duplex, List<String> protocols) {
        return MultistreamNegotiator.initiate(duplex, protocols)
                .thenApply(n -> new Result(n.protocol(), n.leftover()));
    }

    @Override
    public CompletionStage<Result> respond(Duplex duplex, Predicate<String> supported) {
        return MultistreamNegotiator.respond(duplex, supported)
                .thenApply(n -> new Result(n.protocol(), n.leftover()));
    }
}
