package io.meshwork.libp2p.api.pubsub;

import io.meshwork.libp2p.api.peer.PeerId;
import java.util.Set;

/**
 * A connected peer as the router sees it.
 *
 * @param peer the peer
 * @param protocol the pubsub protocol negotiated with it, e.g. {@code /meshsub/1.2.0} or {@code /floodsub/1.0.0}
 * @param topics the topics it has announced
 * @param meshTopics the topics for which it is in this node's mesh
 * @param score its current peer score (0 when scoring is off)
 */
public record PubSubPeer(PeerId peer, String protocol, Set<String> topics, Set<String> meshTopics, double score) {

    public PubSubPeer {
        topics = Set.copyOf(topics);
        meshTopics = Set.copyOf(meshTopics);
    }
}
