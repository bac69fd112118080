package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.io.Duplex;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/** multistream-select as the host uses it: pick a protocol on a fresh duplex. */
interface Negotiation {

    /** The agreed protocol and bytes that arrived behind the answer (belong to the next reader). */
    record Result(String protocol, ByteBuffer leftover) {
    }

    CompletionStage<Result> initiate(Duplex duplex, List<String> protocols);

    CompletionStage<Result> respond(Duplex duplex, Predicate<String> supported);
}
