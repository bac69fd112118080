package io.meshwork.libp2p.holepunch.internal.dcutr;

import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.util.concurrent.CompletionStage;

/** A DCUtR stream as the state machines see it: whole messages, one reader. */
public interface MessageChannel {

    CompletionStage<Void> send(HolePunch message);

    /** The next message; fails if the stream ends, is reset or carries a malformed message. */
    CompletionStage<HolePunch> receive();

    /** Done: closes the stream gracefully. */
    void close();

    /** Aborts the stream. */
    void reset();
}
