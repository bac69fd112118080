package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Duration;
import java.util.Set;

/**
 * The router's parameters (GossipSub v1.1 names). Built from the component's metatype configuration; tests build
 * it directly. {@link #defaults()} holds the values the configuration defaults to.
 *
 * @param d target mesh degree
 * @param dLo below this the heartbeat grafts up to {@code d}
 * @param dHi above this the heartbeat prunes down to {@code d}
 * @param dScore mesh peers kept by score when pruning
 * @param dOut outbound-connection peers kept in each mesh
 * @param dLazy minimum number of peers gossiped to per topic and heartbeat
 * @param gossipFactor fraction of eligible peers gossiped to, if more than {@code dLazy}
 * @param heartbeatInterval time between heartbeats
 * @param fanoutTtl a fanout topic without publications for this long is forgotten
 * @param mcacheLength heartbeats a message stays in the message cache (IWANT answers)
 * @param mcacheGossip heartbeats of the cache advertised in IHAVE
 * @param seenTtl how long a message id is remembered as seen
 * @param seenCacheMax bound on remembered message ids (oldest forgotten first)
 * @param pruneBackoff backoff after a PRUNE
 * @param unsubscribeBackoff backoff sent with the PRUNEs of leaving a topic
 * @param pruneBackoffSlack extra wait after a backoff before grafting again (clock skew, heartbeat jitter)
 * @param prunePeers peers offered in a PRUNE's peer exchange
 * @param floodPublish send own messages to every topic peer above the publish threshold, not just the mesh
 * @param idontwantThreshold messages of at least this many bytes trigger IDONTWANT (v1.2)
 * @param idontwantMaxIds IDONTWANT ids accepted from one peer per heartbeat
 * @param maxMessageSize largest accepted payload (bytes)
 * @param maxIHaveLength message ids asked for from one peer per heartbeat (and per IHAVE sent)
 * @param maxIHaveMessages IHAVE messages accepted from one peer per heartbeat
 * @param iwantFollowupTime how long a peer has to deliver a message it advertised and we asked for
 * @param gossipRetransmission times one message is served to one peer by IWANT
 * @param graftFloodThreshold a GRAFT this soon after our PRUNE counts as a flood (extra penalty)
 * @param opportunisticGraftTicks heartbeats between opportunistic grafts
 * @param opportunisticGraftPeers peers grafted opportunistically at once
 * @param directPeers peers we always forward to and never mesh with (both sides should configure each other)
 * @param directConnectTicks heartbeats between reconnection attempts to direct peers
 * @param maxPendingValidations validations in flight at once; messages beyond are dropped, counted
 * @param validationTimeout a validation not finished in time counts as IGNORE
 * @param mcacheMax bound on cached messages
 * @param maxTopicsPerPeer subscriptions remembered per peer
 * @param floodsubOnly speak only {@code /floodsub/1.0.0}
 */
public record RouterConfig(int d, int dLo, int dHi, int dScore, int dOut, int dLazy, double gossipFactor,
        Duration heartbeatInterval, Duration fanoutTtl, int mcacheLength, int mcacheGossip, Duration seenTtl,
        int seenCacheMax, Duration pruneBackoff, Duration unsubscribeBackoff, Duration pruneBackoffSlack,
        int prunePeers, boolean floodPublish, int idontwantThreshold, int idontwantMaxIds,
        int maxMessageSize, int maxIHaveLength, int maxIHaveMessages, Duration iwantFollowupTime,
        int gossipRetransmission, Duration graftFloodThreshold, int opportunisticGraftTicks,
        int opportunisticGraftPeers, Set<PeerId> directPeers, int directConnectTicks, int maxPendingValidations,
        Duration validationTimeout, int mcacheMax, int maxTopicsPerPeer, boolean floodsubOnly) {

    public RouterConfig {
        directPeers = Set.copyOf(directPeers);
        require(d >= 0 && dLo >= 0 && dLo <= d && d <= dHi, "need 0 <= d_lo <= d <= d_hi, got " + dLo + "/" + d
                + "/" + dHi);
        require(dScore >= 0 && dScore <= d, "need 0 <= d_score <= d, got " + dScore);
        require(dOut >= 0 && (d == 0 || dOut < dLo || dLo == 0) && dOut <= d / 2,
                "need 0 <= d_out < d_lo and d_out <= d/2, got " + dOut);
        require(dLazy >= 0, "d_lazy must not be negative");
        require(gossipFactor >= 0 && gossipFactor <= 1, "gossip_factor must be within 0..1");
        require(!heartbeatInterval.isNegative() && !heartbeatInterval.isZero(), "heartbeat interval must be > 0");
        require(mcacheGossip > 0 && mcacheGossip <= mcacheLength, "need 0 < mcache_gossip <= mcache_len");
        require(seenCacheMax > 0 && mcacheMax > 0 && maxTopicsPerPeer > 0 && maxPendingValidations > 0,
                "cache and table bounds must be > 0");
        require(maxMessageSize > 0, "max message size must be > 0");
        require(opportunisticGraftTicks > 0 && directConnectTicks > 0, "tick intervals must be > 0");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("pubsub configuration: " + message);
        }
    }

    /** The defaults (those of the GossipSub v1.1 specification and go-libp2p-pubsub, flood publish on). */
    public static RouterConfig defaults() {
        return new RouterConfig(6, 5, 12, 4, 2, 6, 0.25, Duration.ofSeconds(1), Duration.ofSeconds(60), 5, 3,
                Duration.ofMinutes(2), 200_000, Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1), 16, true, 1024, 1000, 1 << 20, 5000, 10, Duration.ofSeconds(3), 3,
                Duration.ofSeconds(10), 60, 2, Set.of(), 300, 1024, Duration.ofSeconds(10), 50_000, 1000, false);
    }
}
