package io.meshwork.libp2p.holepunch.internal.dcutr;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What the state machines need from the host. */
public interface Punch {

    /** Our addresses to announce in CONNECT: observed ones first. Empty means we cannot take part. */
    List<Multiaddr> ownAddresses();

    /**
     * Dials the remote's {@code addresses} at once (TCP simultaneous open), upgrading as the initiator above TCP if
     * {@code asClient}, else as the responder. Completes with true as soon as a direct connection to the peer exists
     * (also one that arrived on our listener), false if none came about; the caller bounds the time.
     */
    CompletionStage<Boolean> dial(List<Multiaddr> addresses, boolean asClient);

    /** Whether a direct (not relayed) connection to the peer is open now. */
    boolean directConnected();

    /**
     * For connection reversal: the peer's own addresses (identify) that may be reachable directly, i.e. public
     * plain TCP addresses. Empty (the default): no reversal.
     */
    default List<Multiaddr> reversalAddresses() {
        return List.of();
    }
}
