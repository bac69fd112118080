package io.meshwork.libp2p.api.discovery;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A peer found by a discovery mechanism.
 *
 * @param peer the peer found
 * @param addresses where it said it can be reached, without {@code /p2p/}; may be empty when the source only learnt
 *     the peer id
 * @param source what found it, e.g. {@value #MDNS}; lower case
 * @param ttl how long the source vouches for the addresses
 */
public record DiscoveredPeer(PeerId peer, List<Multiaddr> addresses, String source, Duration ttl) {

    /** Source name of multicast DNS discovery on the local network. */
    public static final String MDNS = "mdns";

    public DiscoveredPeer {
        Objects.requireNonNull(peer, "peer");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(source, "source");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("negative ttl " + ttl);
        }
    }
}
