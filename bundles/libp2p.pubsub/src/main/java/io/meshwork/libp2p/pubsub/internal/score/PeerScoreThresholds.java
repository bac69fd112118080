package io.meshwork.libp2p.pubsub.internal.score;

import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.finite;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.require;

/**
 * The scores at which the router changes how it treats a peer (GossipSub v1.1). Besides these, a score below 0
 * keeps a peer out of the mesh. Validated on construction; immutable.
 *
 * @param gossipThreshold below this no gossip is sent to the peer and its gossip is ignored; {@code < 0}
 * @param publishThreshold below this our own messages are not sent to the peer; {@code <= gossipThreshold}
 * @param graylistThreshold below this every RPC from the peer is ignored; {@code < publishThreshold}
 * @param acceptPXThreshold peer exchange in a PRUNE is followed only from peers at or above this; {@code >= 0}
 * @param opportunisticGraftThreshold when the median mesh score falls below this the router grafts better
 *     peers; {@code >= 0}
 */
public record PeerScoreThresholds(double gossipThreshold, double publishThreshold, double graylistThreshold,
        double acceptPXThreshold, double opportunisticGraftThreshold) {

    public PeerScoreThresholds {
        finite("gossipThreshold", gossipThreshold);
        finite("publishThreshold", publishThreshold);
        finite("graylistThreshold", graylistThreshold);
        finite("acceptPXThreshold", acceptPXThreshold);
        finite("opportunisticGraftThreshold", opportunisticGraftThreshold);
        require(gossipThreshold < 0, "gossipThreshold must be < 0, got " + gossipThreshold);
        require(publishThreshold <= gossipThreshold, "publishThreshold must be <= gossipThreshold ("
                + gossipThreshold + "), got " + publishThreshold);
        require(graylistThreshold < publishThreshold, "graylistThreshold must be < publishThreshold ("
                + publishThreshold + "), got " + graylistThreshold);
        require(acceptPXThreshold >= 0, "acceptPXThreshold must be >= 0, got " + acceptPXThreshold);
        require(opportunisticGraftThreshold >= 0,
                "opportunisticGraftThreshold must be >= 0, got " + opportunisticGraftThreshold);
    }

    /**
     * Thresholds matching {@link PeerScoreParams#chatDefaults()}:
     * <ul>
     *   <li>gossip −10: a few habitual behaviour penalties or a big same-IP cluster stop gossip both ways;</li>
     *   <li>publish −50: a peer that recently sent two invalid messages does not get our own messages;</li>
     *   <li>graylist −80: two invalid messages (−25 × 2² = −100) silence the peer until the penalty has decayed;</li>
     *   <li>accept PX 10: only peers that have served us for a while (or that the application vouches for, such
     *       as bootstrappers) may steer our connections;</li>
     *   <li>opportunistic graft 1: a mesh whose median peer has earned less than +1 gets better peers grafted.</li>
     * </ul>
     */
    public static PeerScoreThresholds chatDefaults() {
        return new PeerScoreThresholds(-10, -50, -80, 10, 1);
    }
}
