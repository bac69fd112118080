package io.meshwork.libp2p.daemon.internal.proto;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A control response ({@code Response}): OK or ERROR with a message, and at most the parts a request needs. DHT
 * responses are encoded by {@link DaemonCodec#encodeDhtResponse} (they are also streamed on their own).
 */
public record ControlResponse(boolean ok, @Nullable String error, @Nullable StreamInfo streamInfo,
                              @Nullable PeerInfo identify, @Nullable List<PeerInfo> peers,
                              @Nullable PubSubResponse pubsub) {

    public ControlResponse {
        peers = peers == null ? null : List.copyOf(peers);
    }

    public static ControlResponse okEmpty() {
        return new ControlResponse(true, null, null, null, null, null);
    }

    public static ControlResponse error(String message) {
        return new ControlResponse(false, message, null, null, null, null);
    }

    public static ControlResponse identify(PeerId peer, List<Multiaddr> addrs) {
        return new ControlResponse(true, null, null, new PeerInfo(peer, addrs), null, null);
    }

    public static ControlResponse streamInfo(StreamInfo info) {
        return new ControlResponse(true, null, info, null, null, null);
    }

    public static ControlResponse peers(List<PeerInfo> peers) {
        return new ControlResponse(true, null, null, null, peers, null);
    }

    public static ControlResponse pubsub(PubSubResponse pubsub) {
        return new ControlResponse(true, null, null, null, null, pubsub);
    }

    /** {@code PeerInfo} (also the body of {@code IdentifyResponse}, which has the same fields). */
    public record PeerInfo(PeerId id, List<Multiaddr> addrs) {
        public PeerInfo {
            addrs = List.copyOf(addrs);
        }
    }

    /** {@code PSResponse}: topics, and peer IDs. Always encoded when present, even empty. */
    public record PubSubResponse(List<String> topics, List<PeerId> peers) {
        public PubSubResponse {
            topics = List.copyOf(topics);
            peers = List.copyOf(peers);
        }
    }
}
