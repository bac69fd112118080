package io.meshwork.libp2p.pubsub.internal.score;

import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.decay;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.finite;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.nonNegative;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.nonPositive;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.positive;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.require;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The peer-wide half of the GossipSub v1.1 score function (P5–P7), the per-topic parameters, decay, retention
 * and the bounds on {@link PeerScore}'s tables. Validated on construction; immutable.
 *
 * @param topics per-topic parameters by topic name
 * @param defaultTopic parameters for topics not in {@code topics}; null to leave such topics unscored
 * @param topicScoreCap cap on the summed topic contributions when positive (penalties are never capped);
 *     0 for no cap
 * @param appSpecificWeight w5, {@code >= 0} (the application's score itself may be negative)
 * @param ipColocationFactorWeight w6, {@code <= 0}
 * @param ipColocationFactorThreshold peers on one IP allowed before P6 (surplus squared) applies; {@code >= 1}
 * @param ipColocationFactorWhitelist IPs exempt from P6, in the exact text form the router passes
 * @param behaviourPenaltyWeight w7, {@code <= 0}
 * @param behaviourPenaltyThreshold the P7 counter is free up to this; the excess is squared
 * @param behaviourPenaltyDecay P7 counter decay per interval
 * @param decayInterval how often {@link PeerScore#refreshScores()} should run; every decay factor is per
 *     interval
 * @param decayToZero a decayed counter below this becomes 0
 * @param retainScore how long a disconnected peer's negative score is remembered; 0 to forget at once
 * @param deliveryRecordTtl how long a message's delivery record (who sent it, validation outcome) is kept;
 *     at least the seen-cache TTL, or late duplicates go uncounted
 * @param maxDeliveryRecords bound on delivery records (oldest dropped first)
 * @param maxRetainedPeers bound on remembered disconnected peers (oldest dropped first)
 * @param maxTopicsPerPeer bound on scored topics per peer; events on further topics are not scored
 */
public record PeerScoreParams(Map<String, TopicScoreParams> topics, @Nullable TopicScoreParams defaultTopic,
        double topicScoreCap, double appSpecificWeight,
        double ipColocationFactorWeight, int ipColocationFactorThreshold, Set<String> ipColocationFactorWhitelist,
        double behaviourPenaltyWeight, double behaviourPenaltyThreshold, double behaviourPenaltyDecay,
        Duration decayInterval, double decayToZero, Duration retainScore,
        Duration deliveryRecordTtl, int maxDeliveryRecords, int maxRetainedPeers, int maxTopicsPerPeer) {

    /** The decay interval the spec suggests and the chat defaults' decay factors assume. */
    public static final Duration DEFAULT_DECAY_INTERVAL = Duration.ofSeconds(1);

    public PeerScoreParams {
        topics = Map.copyOf(topics);
        ipColocationFactorWhitelist = Set.copyOf(ipColocationFactorWhitelist);
        nonNegative("topicScoreCap", topicScoreCap);
        nonNegative("appSpecificWeight", appSpecificWeight);
        nonPositive("ipColocationFactorWeight", ipColocationFactorWeight);
        require(ipColocationFactorThreshold >= 1,
                "ipColocationFactorThreshold must be >= 1, got " + ipColocationFactorThreshold);
        nonPositive("behaviourPenaltyWeight", behaviourPenaltyWeight);
        nonNegative("behaviourPenaltyThreshold", behaviourPenaltyThreshold);
        decay("behaviourPenaltyDecay", behaviourPenaltyDecay, behaviourPenaltyWeight != 0);
        positive("decayInterval", decayInterval);
        finite("decayToZero", decayToZero);
        require(decayToZero > 0 && decayToZero < 1, "decayToZero must be in (0, 1), got " + decayToZero);
        nonNegative("retainScore", retainScore);
        positive("deliveryRecordTtl", deliveryRecordTtl);
        require(maxDeliveryRecords >= 1, "maxDeliveryRecords must be >= 1, got " + maxDeliveryRecords);
        require(maxRetainedPeers >= 0, "maxRetainedPeers must be >= 0, got " + maxRetainedPeers);
        require(maxTopicsPerPeer >= 1, "maxTopicsPerPeer must be >= 1, got " + maxTopicsPerPeer);
    }

    /**
     * Parameters for a low-rate chat/presence network (see {@link TopicScoreParams#chatDefaults()} for the topic
     * part, used for every topic):
     * <ul>
     *   <li>topic cap 15: good behaviour can bank at most +15, so one invalid message (−100) still graylists;</li>
     *   <li>P5 weight 1: the application's score counts as given;</li>
     *   <li>P6 −1 × surplus² above 10 peers per IP: offices, campuses and carrier-grade NAT put many honest peers
     *       behind one address, so only large clusters are penalised (14 peers drop below the gossip threshold,
     *       19 below graylist); loopback is whitelisted because local test networks run many nodes there;</li>
     *   <li>P7 −10 × excess² above 3, half-life 5 min: the odd broken IHAVE promise or early GRAFT is free, a
     *       habit is not;</li>
     *   <li>decay every 1 s to zero below 0.01, as the spec suggests;</li>
     *   <li>retain negative scores 1 h: longer than any penalty needs to decay, so reconnecting never helps;</li>
     *   <li>delivery records 2 min (the seen-cache TTL), at most 65 536; 4096 retained peers; 256 topics/peer.</li>
     * </ul>
     */
    public static PeerScoreParams chatDefaults() {
        return new PeerScoreParams(Map.of(), TopicScoreParams.chatDefaults(),
                15, 1,
                -1, 10, Set.of("127.0.0.1", "::1", "0:0:0:0:0:0:0:1"),
                -10, 3, decayFactor(Duration.ofMinutes(5), DEFAULT_DECAY_INTERVAL),
                DEFAULT_DECAY_INTERVAL, 0.01, Duration.ofHours(1),
                Duration.ofMinutes(2), 65_536, 4096, 256);
    }

    /** The parameters for {@code topic}, or null if the topic is not scored. */
    public @Nullable TopicScoreParams topicParams(String topic) {
        TopicScoreParams p = topics.get(topic);
        return p != null ? p : defaultTopic;
    }

    /** A copy with {@code params} for {@code topic} (replacing any earlier ones). */
    public PeerScoreParams withTopic(String topic, TopicScoreParams params) {
        Map<String, TopicScoreParams> copy = new HashMap<>(topics);
        copy.put(Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(params, "params"));
        return new PeerScoreParams(copy, defaultTopic, topicScoreCap, appSpecificWeight, ipColocationFactorWeight,
                ipColocationFactorThreshold, ipColocationFactorWhitelist, behaviourPenaltyWeight,
                behaviourPenaltyThreshold, behaviourPenaltyDecay, decayInterval, decayToZero, retainScore,
                deliveryRecordTtl, maxDeliveryRecords, maxRetainedPeers, maxTopicsPerPeer);
    }

    /** A copy whose unlisted topics use {@code params}, or are unscored if null. */
    public PeerScoreParams withDefaultTopic(@Nullable TopicScoreParams params) {
        return new PeerScoreParams(topics, params, topicScoreCap, appSpecificWeight, ipColocationFactorWeight,
                ipColocationFactorThreshold, ipColocationFactorWhitelist, behaviourPenaltyWeight,
                behaviourPenaltyThreshold, behaviourPenaltyDecay, decayInterval, decayToZero, retainScore,
                deliveryRecordTtl, maxDeliveryRecords, maxRetainedPeers, maxTopicsPerPeer);
    }

    /**
     * The decay factor that halves a counter every {@code halfLife} when applied once per {@code interval}.
     *
     * @throws IllegalArgumentException unless both durations are positive
     */
    public static double decayFactor(Duration halfLife, Duration interval) {
        positive("halfLife", halfLife);
        positive("interval", interval);
        return Math.pow(0.5, seconds(interval) / seconds(halfLife));
    }

    private static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
