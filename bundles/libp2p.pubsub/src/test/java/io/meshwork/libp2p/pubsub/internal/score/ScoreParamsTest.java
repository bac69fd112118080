package io.meshwork.libp2p.pubsub.internal.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ScoreParamsTest {

    @ParameterizedTest(name = "gossip {0}, publish {1}, graylist {2}, px {3}, og {4}")
    @CsvSource({
            "0, -50, -80, 10, 1",       // gossip must be < 0
            "-10, -5, -80, 10, 1",      // publish above gossip
            "-10, -50, -50, 10, 1",     // graylist not below publish
            "-10, -50, -80, -1, 1",     // negative accept-PX
            "-10, -50, -80, 10, -1",    // negative opportunistic graft
            "NaN, -50, -80, 10, 1"})
    void thresholdsRejectBadOrdering(double gossip, double publish, double graylist, double px, double og) {
        assertThrows(IllegalArgumentException.class,
                () -> new PeerScoreThresholds(gossip, publish, graylist, px, og));
    }

    @Test
    void publishMayEqualGossipThreshold() {
        PeerScoreThresholds t = new PeerScoreThresholds(-10, -10, -11, 0, 0);
        assertEquals(-10, t.publishThreshold());
    }

    static Stream<Arguments> badParams() {
        return Stream.of(
                bad("positive P3 weight", b -> {
                    b.meshWeight = 1;
                    b.meshThreshold = 1;
                }),
                bad("positive P3b weight", b -> b.failureWeight = 0.5),
                bad("positive P4 weight", b -> b.invalidWeight = 1),
                bad("negative P1 weight", b -> b.timeInMeshWeight = -1),
                bad("negative P2 weight", b -> b.firstWeight = -1),
                bad("negative topic weight", b -> b.topicWeight = -1),
                bad("zero time quantum", b -> b.timeInMeshQuantum = Duration.ZERO),
                bad("P2 decay of 1 while weighted", b -> {
                    b.firstWeight = 1;
                    b.firstDecay = 1;
                }),
                bad("P4 decay above 1", b -> b.invalidDecay = 1.5),
                bad("P3 threshold above cap", b -> {
                    b.meshThreshold = 20;
                    b.meshCap = 10;
                }),
                bad("P3 weighted without threshold", b -> b.meshWeight = -1),
                bad("positive colocation weight", b -> b.ipWeight = 1),
                bad("colocation threshold 0", b -> b.ipThreshold = 0),
                bad("positive behaviour weight", b -> b.behaviourWeight = 1),
                bad("negative app weight", b -> b.appWeight = -1),
                bad("negative topic cap", b -> b.topicScoreCap = -1),
                bad("decayToZero of 0", b -> b.decayToZero = 0),
                bad("negative retainScore", b -> b.retainScore = Duration.ofSeconds(-1)),
                bad("no delivery records", b -> b.maxRecords = 0),
                bad("infinite weight", b -> b.firstWeight = Double.POSITIVE_INFINITY));
    }

    private static Arguments bad(String name, Consumer<ScoreParamsBuilder> change) {
        return Arguments.of(name, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParams")
    void scoreParamsRejectWrongSignsAndRanges(String name, Consumer<ScoreParamsBuilder> change) {
        ScoreParamsBuilder b = new ScoreParamsBuilder();
        change.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void errorMessagesNameTheParameter() {
        ScoreParamsBuilder b = new ScoreParamsBuilder();
        b.invalidWeight = 3;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("invalidMessageDeliveriesWeight"), e.getMessage());
    }

    @Test
    void decayFactorHalvesOverTheHalfLife() {
        double f = PeerScoreParams.decayFactor(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertEquals(0.5, Math.pow(f, 10), 1e-12);
    }

    @Test
    void chatDefaultsAreValidAndKeepP3Off() {
        PeerScoreParams p = PeerScoreParams.chatDefaults();
        TopicScoreParams topic = p.topicParams("any-room");
        assertEquals(TopicScoreParams.chatDefaults(), topic);
        assertEquals(0, topic.meshMessageDeliveriesWeight());
        assertEquals(0, topic.meshFailurePenaltyWeight());
        assertTrue(topic.invalidMessageDeliveriesWeight() < 0);
        assertEquals(Duration.ofSeconds(1), p.decayInterval());
        PeerScoreThresholds.chatDefaults();
    }

    @Test
    void withTopicOverridesTheDefaultForThatTopicOnly() {
        TopicScoreParams presence = new ScoreParamsBuilder().topic();
        PeerScoreParams p = PeerScoreParams.chatDefaults().withTopic("presence", presence);
        assertEquals(presence, p.topicParams("presence"));
        assertEquals(TopicScoreParams.chatDefaults(), p.topicParams("room"));
        assertEquals(null, p.withDefaultTopic(null).topicParams("room"));
    }

    /**
     * The chat defaults' promise: banked good behaviour cannot absorb even one invalid message (the peer leaves the
     * mesh), but one message is not enough to graylist an honest relay whose validators disagree with ours once;
     * a second one is.
     */
    @Test
    void withChatDefaultsOneInvalidMessageCostsTheMeshAndTwoGraylist() {
        MutableClock clock = new MutableClock();
        PeerScore s = new PeerScore(PeerScoreParams.chatDefaults(), clock);
        PeerScoreThresholds t = PeerScoreThresholds.chatDefaults();
        byte[] mh = new byte[34];
        mh[0] = 0x12;
        mh[1] = 0x20;
        PeerId peer = PeerId.fromBytes(mh);
        s.addPeer(peer, "192.0.2.7");
        s.graft(peer, "room");
        for (int i = 0; i < 3600; i++) {
            if (i % 10 == 0) { // a quiet room: one message every 10 s, always first from this peer
                MessageId id = MessageId.wrap(ByteBuffer.allocate(4).putInt(i).array());
                s.validateMessage(id);
                s.deliverMessage(peer, id, "room");
            }
            clock.advance(Duration.ofSeconds(1));
            s.refreshScores();
        }
        double banked = s.score(peer);
        assertTrue(banked >= t.acceptPXThreshold(), "banked " + banked);
        MessageId bad = MessageId.wrap(new byte[] {-1});
        s.validateMessage(bad);
        s.rejectMessage(peer, bad, "room", RejectReason.VALIDATION_REJECTED);
        assertTrue(s.score(peer) < 0, "after one invalid message: " + s.score(peer));
        assertTrue(s.score(peer) >= t.graylistThreshold(), "graylisted after one: " + s.score(peer));
        MessageId bad2 = MessageId.wrap(new byte[] {-2});
        s.validateMessage(bad2);
        s.rejectMessage(peer, bad2, "room", RejectReason.VALIDATION_REJECTED);
        assertTrue(s.score(peer) < t.graylistThreshold(), "after two invalid messages: " + s.score(peer));
        // forgiven within the hour
        for (int i = 0; i < 3600; i++) {
            clock.advance(Duration.ofSeconds(1));
            s.refreshScores();
        }
        assertTrue(s.score(peer) >= 0, "an hour later: " + s.score(peer));
    }
}
