package io.meshwork.libp2p.pubsub.internal.rpc;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code ControlMessage}: gossip and mesh control. Lists are immutable copies. */
public record ControlMessage(List<IHave> ihave, List<IWant> iwant, List<Graft> graft, List<Prune> prune,
        List<IDontWant> idontwant) {

    public ControlMessage {
        ihave = List.copyOf(ihave);
        iwant = List.copyOf(iwant);
        graft = List.copyOf(graft);
        prune = List.copyOf(prune);
        idontwant = List.copyOf(idontwant);
    }

    public boolean isEmpty() {
        return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
    }

    /** {@code ControlIHave}: ids of messages the sender has for a topic. */
    public record IHave(String topic, List<MessageId> messageIds) {
        public IHave {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** {@code ControlIWant}: ids the sender asks for. */
    public record IWant(List<MessageId> messageIds) {
        public IWant {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** {@code ControlGraft}: the sender added us to its mesh for the topic. */
    public record Graft(String topic) {
    }

    /**
     * {@code ControlPrune}: the sender removed us from its mesh for the topic.
     *
     * @param peers peer exchange: other peers of the topic (v1.1)
     * @param backoffSeconds how long not to re-graft (v1.1); null if absent
     */
    public record Prune(String topic, List<PeerInfo> peers, @Nullable Long backoffSeconds) {
        public Prune {
            peers = List.copyOf(peers);
        }
    }

    /** {@code ControlIDontWant} (v1.2): do not send these (large) messages, the sender has them. */
    public record IDontWant(List<MessageId> messageIds) {
        public IDontWant {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** {@code PeerInfo} of a PRUNE's peer exchange: a Peer ID and optionally its signed peer record envelope. */
    public record PeerInfo(byte @Nullable [] peerId, byte @Nullable [] signedPeerRecord) {
    }
}
