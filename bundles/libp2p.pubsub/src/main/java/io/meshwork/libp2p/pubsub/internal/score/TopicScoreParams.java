package io.meshwork.libp2p.pubsub.internal.score;

import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.decay;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.nonNegative;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.nonPositive;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.positive;
import static io.meshwork.libp2p.pubsub.internal.score.ParamChecks.require;

import java.time.Duration;

/**
 * The per-topic half of the GossipSub v1.1 score function (P1–P4). A topic's contribution is
 * {@code topicWeight × (w1·P1 + w2·P2 + w3·P3 + w3b·P3b + w4·P4)}. Decay factors are applied once per
 * {@link PeerScoreParams#decayInterval()}, so they must be chosen for that interval
 * ({@link PeerScoreParams#decayFactor(Duration, Duration)} turns a half-life into a factor).
 *
 * <p>Validated on construction (signs as the spec requires; a component's decay, cap, threshold and windows
 * are checked strictly only when its weight is non-zero). Immutable.
 *
 * @param topicWeight multiplier of the whole topic contribution; {@code >= 0}
 * @param timeInMeshWeight w1, {@code >= 0}
 * @param timeInMeshQuantum P1 counts whole quanta since the GRAFT; positive
 * @param timeInMeshCap most quanta P1 counts; {@code > 0} when w1 is non-zero
 * @param firstMessageDeliveriesWeight w2, {@code >= 0}
 * @param firstMessageDeliveriesDecay P2 counter decay per interval
 * @param firstMessageDeliveriesCap the P2 counter never exceeds this; {@code > 0} when w2 is non-zero
 * @param meshMessageDeliveriesWeight w3, {@code <= 0}
 * @param meshMessageDeliveriesDecay P3 counter decay per interval
 * @param meshMessageDeliveriesCap the P3 counter never exceeds this; {@code >= threshold}
 * @param meshMessageDeliveriesThreshold a mesh peer delivering fewer (decayed) messages than this has a deficit;
 *     P3 is its square
 * @param meshMessageDeliveriesWindow a duplicate this soon after the first valid delivery still counts for P3;
 *     keep it in milliseconds so a peer cannot earn credit by echoing what we forwarded to it
 * @param meshMessageDeliveriesActivation P3 applies only after the peer has been this long in the mesh
 * @param meshFailurePenaltyWeight w3b, {@code <= 0}
 * @param meshFailurePenaltyDecay P3b counter decay per interval
 * @param invalidMessageDeliveriesWeight w4, {@code <= 0}
 * @param invalidMessageDeliveriesDecay P4 counter decay per interval
 */
public record TopicScoreParams(double topicWeight,
        double timeInMeshWeight, Duration timeInMeshQuantum, double timeInMeshCap,
        double firstMessageDeliveriesWeight, double firstMessageDeliveriesDecay, double firstMessageDeliveriesCap,
        double meshMessageDeliveriesWeight, double meshMessageDeliveriesDecay, double meshMessageDeliveriesCap,
        double meshMessageDeliveriesThreshold, Duration meshMessageDeliveriesWindow,
        Duration meshMessageDeliveriesActivation,
        double meshFailurePenaltyWeight, double meshFailurePenaltyDecay,
        double invalidMessageDeliveriesWeight, double invalidMessageDeliveriesDecay) {

    public TopicScoreParams {
        nonNegative("topicWeight", topicWeight);

        nonNegative("timeInMeshWeight", timeInMeshWeight);
        positive("timeInMeshQuantum", timeInMeshQuantum);
        nonNegative("timeInMeshCap", timeInMeshCap);
        require(timeInMeshWeight == 0 || timeInMeshCap > 0,
                "timeInMeshCap must be > 0 while timeInMeshWeight is non-zero, got " + timeInMeshCap);

        nonNegative("firstMessageDeliveriesWeight", firstMessageDeliveriesWeight);
        decay("firstMessageDeliveriesDecay", firstMessageDeliveriesDecay, firstMessageDeliveriesWeight != 0);
        nonNegative("firstMessageDeliveriesCap", firstMessageDeliveriesCap);
        require(firstMessageDeliveriesWeight == 0 || firstMessageDeliveriesCap > 0,
                "firstMessageDeliveriesCap must be > 0 while its weight is non-zero, got "
                        + firstMessageDeliveriesCap);

        nonPositive("meshMessageDeliveriesWeight", meshMessageDeliveriesWeight);
        boolean p3 = meshMessageDeliveriesWeight != 0;
        decay("meshMessageDeliveriesDecay", meshMessageDeliveriesDecay, p3);
        nonNegative("meshMessageDeliveriesCap", meshMessageDeliveriesCap);
        nonNegative("meshMessageDeliveriesThreshold", meshMessageDeliveriesThreshold);
        require(meshMessageDeliveriesThreshold <= meshMessageDeliveriesCap,
                "meshMessageDeliveriesThreshold " + meshMessageDeliveriesThreshold
                        + " is above meshMessageDeliveriesCap " + meshMessageDeliveriesCap
                        + ": every mesh peer would be penalised forever");
        require(!p3 || meshMessageDeliveriesThreshold > 0,
                "meshMessageDeliveriesThreshold must be > 0 while its weight is non-zero");
        nonNegative("meshMessageDeliveriesWindow", meshMessageDeliveriesWindow);
        if (p3) {
            positive("meshMessageDeliveriesActivation", meshMessageDeliveriesActivation);
        } else {
            nonNegative("meshMessageDeliveriesActivation", meshMessageDeliveriesActivation);
        }

        nonPositive("meshFailurePenaltyWeight", meshFailurePenaltyWeight);
        decay("meshFailurePenaltyDecay", meshFailurePenaltyDecay, meshFailurePenaltyWeight != 0);

        nonPositive("invalidMessageDeliveriesWeight", invalidMessageDeliveriesWeight);
        decay("invalidMessageDeliveriesDecay", invalidMessageDeliveriesDecay, invalidMessageDeliveriesWeight != 0);
    }

    /**
     * Parameters for a low-rate chat or presence topic (a few messages a second, bursty), for the default 1 s
     * decay interval:
     * <ul>
     *   <li>P1 +0.1 per minute in the mesh, at most +3 (30 min): long-lived mesh peers survive oversubscription
     *       pruning, but too little to offset any penalty;</li>
     *   <li>P2 +0.5 per first delivery, counter capped at 20 (so at most +10), half-life 5 min: rewards peers that
     *       actually bring us messages;</li>
     *   <li>P3 and P3b <b>off</b> (weight 0): a delivery-rate expectation only works for topics with a steady
     *       rate. Chat traffic is silent for minutes and then bursty, so any threshold either never triggers or
     *       punishes honest mesh peers during quiet periods and churns the mesh. The other P3 values are sane
     *       (threshold 1, 50 ms window, 1 min activation) for an application that enables it on a busy topic;</li>
     *   <li>P4 −25 per invalid message squared, half-life 5 min: one validator REJECT outweighs any banked
     *       credit (the peer leaves the mesh and stops getting gossip for a while), two push it below the graylist
     *       threshold of {@link PeerScoreThresholds#chatDefaults()} (−80). One is not enough to graylist, so an
     *       honest relay whose validators disagree with ours once (e.g. a newer client version) keeps being
     *       heard. Validators should still answer IGNORE, not REJECT, for what may be honest.</li>
     * </ul>
     */
    public static TopicScoreParams chatDefaults() {
        Duration interval = PeerScoreParams.DEFAULT_DECAY_INTERVAL;
        double fiveMinutes = PeerScoreParams.decayFactor(Duration.ofMinutes(5), interval);
        return new TopicScoreParams(1.0,
                0.1, Duration.ofMinutes(1), 30,
                0.5, fiveMinutes, 20,
                0, PeerScoreParams.decayFactor(Duration.ofMinutes(1), interval), 10, 1,
                Duration.ofMillis(50), Duration.ofMinutes(1),
                0, fiveMinutes,
                -25, fiveMinutes);
    }
}
