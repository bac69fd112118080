package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.kad.internal.proto.KadMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** How the engine reaches other nodes and what it knows of their addresses. Thread-safe. */
public interface Network {

    /**
     * Sends {@code request} to {@code peer}, dialing with known addresses only (never a DHT lookup), and completes
     * with the response, or with null once sent when {@code expectResponse} is false (ADD_PROVIDER has no answer).
     * The engine applies its own timeout.
     */
    CompletionStage<@Nullable KadMessage> send(PeerId peer, KadMessage request, boolean expectResponse);

    /** Addresses known for {@code peer} (without /p2p/), best first; empty if none. */
    List<Multiaddr> addresses(PeerId peer);

    /** Remembers addresses learnt from the DHT. */
    void addAddresses(PeerId peer, List<Multiaddr> addresses);

    boolean isConnected(PeerId peer);
}
