package io.meshwork.libp2p.pubsub.internal.score;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Test-side builder: every weight starts at 0 and every decay at {@link #NO_DECAY}, so a test switches on exactly
 * the component it is about.
 */
final class ScoreParamsBuilder {

    /** As close to "no decay" as validation allows (a weighted component's decay must be below 1). */
    static final double NO_DECAY = 1 - 1e-9;

    double topicWeight = 1;
    double timeInMeshWeight;
    Duration timeInMeshQuantum = Duration.ofSeconds(1);
    double timeInMeshCap = 100;
    double firstWeight;
    double firstDecay = NO_DECAY;
    double firstCap = 1000;
    double meshWeight;
    double meshDecay = NO_DECAY;
    double meshCap = 1000;
    double meshThreshold;
    Duration meshWindow = Duration.ofMillis(100);
    Duration meshActivation = Duration.ofSeconds(5);
    double failureWeight;
    double failureDecay = NO_DECAY;
    double invalidWeight;
    double invalidDecay = NO_DECAY;

    double topicScoreCap;
    double appWeight;
    double ipWeight;
    int ipThreshold = 1;
    Set<String> ipWhitelist = Set.of();
    double behaviourWeight;
    double behaviourThreshold;
    double behaviourDecay = NO_DECAY;
    double decayToZero = 0.01;
    Duration retainScore = Duration.ofSeconds(10);
    Duration recordTtl = Duration.ofMinutes(2);
    int maxRecords = 1000;
    int maxRetained = 100;
    int maxTopics = 16;
    boolean defaultTopic = true;
    final Map<String, TopicScoreParams> topics = new HashMap<>();

    TopicScoreParams topic() {
        return new TopicScoreParams(topicWeight, timeInMeshWeight, timeInMeshQuantum, timeInMeshCap,
                firstWeight, firstDecay, firstCap, meshWeight, meshDecay, meshCap, meshThreshold, meshWindow,
                meshActivation, failureWeight, failureDecay, invalidWeight, invalidDecay);
    }

    PeerScoreParams build() {
        return new PeerScoreParams(topics, defaultTopic ? topic() : null, topicScoreCap, appWeight, ipWeight,
                ipThreshold, ipWhitelist, behaviourWeight, behaviourThreshold, behaviourDecay,
                Duration.ofSeconds(1), decayToZero, retainScore, recordTtl, maxRecords, maxRetained, maxTopics);
    }
}
