package io.meshwork.libp2p.pubsub.internal.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerScoreTest {

    private static final String TOPIC = "chat";
    private static final double EPS = 1e-6;

    private final MutableClock clock = new MutableClock();
    private final ScoreParamsBuilder b = new ScoreParamsBuilder();
    private final PeerId alice = peer(1);
    private final PeerId bob = peer(2);
    private final PeerId carol = peer(3);
    private int nextMessage;

    private static PeerId peer(int n) {
        byte[] mh = new byte[34];
        mh[0] = 0x12;
        mh[1] = 0x20;
        mh[33] = (byte) n;
        mh[32] = (byte) (n >> 8);
        return PeerId.fromBytes(mh);
    }

    private MessageId newId() {
        return MessageId.wrap(ByteBuffer.allocate(4).putInt(nextMessage++).array());
    }

    private PeerScore scorer(PeerId... connected) {
        PeerScore s = new PeerScore(b.build(), clock);
        for (PeerId p : connected) {
            s.addPeer(p, null);
        }
        return s;
    }

    private void tick(PeerScore s, int seconds) {
        for (int i = 0; i < seconds; i++) {
            clock.advance(Duration.ofSeconds(1));
            s.refreshScores();
        }
    }

    /** A fresh message first delivered (and accepted) from {@code from}. */
    private MessageId deliver(PeerScore s, PeerId from) {
        MessageId id = newId();
        s.validateMessage(id);
        s.deliverMessage(from, id, TOPIC);
        return id;
    }

    private MessageId reject(PeerScore s, PeerId from) {
        MessageId id = newId();
        s.validateMessage(id);
        s.rejectMessage(from, id, TOPIC, RejectReason.VALIDATION_REJECTED);
        return id;
    }

    @Test
    void unknownPeerScoresZero() {
        b.firstWeight = 1;
        b.invalidWeight = -1;
        PeerScore s = scorer();
        assertEquals(0, s.score(alice));
        assertEquals(0, s.trackedPeers());
    }

    // ------------------------------------------------------------------ P1

    @Test
    void timeInMeshCountsWholeQuantaSinceGraftUpToTheCap() {
        b.timeInMeshWeight = 0.5;
        b.timeInMeshCap = 10;
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        assertEquals(0, s.score(alice), EPS);
        clock.advance(Duration.ofMillis(3500));
        s.refreshScores();
        assertEquals(3 * 0.5, s.score(alice), EPS);
        tick(s, 100);
        assertEquals(10 * 0.5, s.score(alice), EPS);
        s.prune(alice, TOPIC);
        assertEquals(0, s.score(alice), EPS);
    }

    @Test
    void topicWeightScalesTheTopicContribution() {
        b.timeInMeshWeight = 1;
        b.topicWeight = 3;
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        tick(s, 2);
        assertEquals(6, s.score(alice), EPS);
    }

    // ------------------------------------------------------------------ P2

    @Test
    void firstDeliveriesAreRewardedUpToTheCap() {
        b.firstWeight = 2;
        b.firstCap = 3;
        PeerScore s = scorer(alice, bob);
        deliver(s, alice);
        assertEquals(2, s.score(alice), EPS);
        for (int i = 0; i < 5; i++) {
            deliver(s, alice);
        }
        assertEquals(6, s.score(alice), EPS);
        assertEquals(0, s.score(bob), EPS);
    }

    @Test
    void aMessageIsFirstDeliveredOnlyOnce() {
        b.firstWeight = 1;
        PeerScore s = scorer(alice, bob);
        MessageId id = deliver(s, alice);
        s.deliverMessage(alice, id, TOPIC);
        s.deliverMessage(bob, id, TOPIC);
        assertEquals(1, s.score(alice), EPS);
        assertEquals(0, s.score(bob), EPS);
    }

    @Test
    void countersDecayEachRefreshAndSnapToZero() {
        b.firstWeight = 1;
        b.firstDecay = 0.5;
        b.decayToZero = 0.1;
        PeerScore s = scorer(alice);
        deliver(s, alice);
        tick(s, 1);
        assertEquals(0.5, s.score(alice), EPS);
        tick(s, 2);
        assertEquals(0.125, s.score(alice), EPS);
        tick(s, 1); // 0.0625 < 0.1
        assertEquals(0, s.score(alice));
    }

    @Test
    void topicCapLimitsOnlyThePositiveTopicSum() {
        b.firstWeight = 1;
        b.topicScoreCap = 5;
        b.behaviourWeight = -1;
        PeerScore s = scorer(alice);
        for (int i = 0; i < 20; i++) {
            deliver(s, alice);
        }
        assertEquals(5, s.score(alice), EPS);
        s.addPenalty(alice, 3); // P7 is outside the cap: 5 - 9
        assertEquals(-4, s.score(alice), EPS);
    }

    @Test
    void topicCapDoesNotLimitTopicPenalties() {
        b.invalidWeight = -1;
        b.topicScoreCap = 5;
        PeerScore s = scorer(alice);
        for (int i = 0; i < 4; i++) {
            reject(s, alice);
        }
        assertEquals(-16, s.score(alice), EPS);
    }

    // ------------------------------------------------------------------ P3 / P3b

    private void meshDeliveryParams() {
        b.meshWeight = -1;
        b.meshThreshold = 4;
        b.meshCap = 10;
        b.meshActivation = Duration.ofSeconds(5);
        b.meshWindow = Duration.ofMillis(100);
    }

    @Test
    void meshDeliveryDeficitAppliesOnlyAfterActivation() {
        meshDeliveryParams();
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        tick(s, 5); // exactly the activation time: not yet past it
        assertEquals(0, s.score(alice), EPS);
        tick(s, 1);
        assertEquals(-16, s.score(alice), 1e-3);
        deliver(s, alice);
        assertEquals(-9, s.score(alice), 1e-3);
        for (int i = 0; i < 10; i++) {
            deliver(s, alice);
        }
        assertEquals(0, s.score(alice), EPS);
    }

    @Test
    void firstDeliveriesByNonMeshPeersDoNotCountForMeshDeliveries() {
        meshDeliveryParams();
        PeerScore s = scorer(alice);
        for (int i = 0; i < 10; i++) {
            deliver(s, alice);
        }
        s.graft(alice, TOPIC);
        tick(s, 6);
        assertEquals(-16, s.score(alice), 1e-3);
    }

    @Test
    void duplicatesCountForMeshDeliveriesOnlyWithinTheWindow() {
        meshDeliveryParams();
        PeerScore s = scorer(alice, bob, carol);
        s.graft(bob, TOPIC);
        s.graft(carol, TOPIC);
        tick(s, 6);
        MessageId id = deliver(s, alice);
        clock.advance(Duration.ofMillis(50));
        s.duplicateMessage(bob, id, TOPIC);
        s.duplicateMessage(bob, id, TOPIC); // the same peer is counted once
        clock.advance(Duration.ofMillis(100));
        s.duplicateMessage(carol, id, TOPIC);
        assertEquals(-9, s.score(bob), 1e-3);
        assertEquals(-16, s.score(carol), 1e-3);
    }

    @Test
    void duplicatesDuringValidationAreCreditedOnceTheMessageIsValid() {
        meshDeliveryParams();
        PeerScore s = scorer(alice, bob);
        s.graft(bob, TOPIC);
        tick(s, 6);
        MessageId id = newId();
        s.validateMessage(id);
        s.duplicateMessage(bob, id, TOPIC);
        clock.advance(Duration.ofSeconds(2)); // a slow validator: far beyond the window
        assertEquals(-16, s.score(bob), 1e-3);
        s.deliverMessage(alice, id, TOPIC);
        assertEquals(-9, s.score(bob), 1e-3);
        s.duplicateMessage(bob, id, TOPIC);
        assertEquals(-9, s.score(bob), 1e-3);
    }

    @Test
    void pruneWithAnActiveDeficitAddsTheSquaredDeficitToTheStickyPenalty() {
        meshDeliveryParams();
        b.failureWeight = -2;
        b.failureDecay = 0.5;
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        tick(s, 6);
        deliver(s, alice); // deficit 3
        s.prune(alice, TOPIC);
        // P3 no longer applies out of the mesh; P3b = 9, weight -2
        assertEquals(-18, s.score(alice), 1e-3);
        tick(s, 1);
        assertEquals(-9, s.score(alice), 1e-3);
    }

    @Test
    void pruneBeforeActivationCostsNothing() {
        meshDeliveryParams();
        b.failureWeight = -1;
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        tick(s, 3);
        s.prune(alice, TOPIC);
        assertEquals(0, s.score(alice));
    }

    @Test
    void regraftRestartsTheActivationWindow() {
        meshDeliveryParams();
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        tick(s, 6);
        s.prune(alice, TOPIC);
        s.graft(alice, TOPIC);
        tick(s, 2);
        assertEquals(0, s.score(alice), EPS);
    }

    // ------------------------------------------------------------------ P4

    @Test
    void invalidMessagesChargeTheSenderSquared() {
        b.invalidWeight = -1;
        PeerScore s = scorer(alice);
        reject(s, alice);
        assertEquals(-1, s.score(alice), EPS);
        reject(s, alice);
        assertEquals(-4, s.score(alice), EPS);
    }

    @Test
    void rejectionAlsoChargesPeersThatSentDuplicatesWhileItWasPendingAndLaterOnes() {
        b.invalidWeight = -1;
        PeerScore s = scorer(alice, bob, carol);
        MessageId id = newId();
        s.validateMessage(id);
        s.duplicateMessage(bob, id, TOPIC);
        s.rejectMessage(alice, id, TOPIC, RejectReason.VALIDATION_REJECTED);
        assertEquals(-1, s.score(alice), EPS);
        assertEquals(-1, s.score(bob), EPS);
        assertEquals(0, s.score(carol), EPS);
        s.duplicateMessage(carol, id, TOPIC);
        assertEquals(-1, s.score(carol), EPS);
    }

    @Test
    void signatureFailuresChargeTheSenderWithoutADeliveryRecord() {
        b.invalidWeight = -1;
        PeerScore s = scorer(alice);
        s.rejectMessage(alice, newId(), TOPIC, RejectReason.INVALID_SIGNATURE);
        s.rejectMessage(alice, newId(), TOPIC, RejectReason.MISSING_SIGNATURE);
        assertEquals(-4, s.score(alice), EPS);
        assertEquals(0, s.deliveryRecords());
    }

    @Test
    void ignoredThrottledAndQueueFullMessagesCostNobodyAnything() {
        b.invalidWeight = -1;
        b.meshWeight = -1;
        b.meshThreshold = 1;
        PeerScore s = scorer(alice, bob, carol);
        for (RejectReason reason : new RejectReason[] {RejectReason.VALIDATION_IGNORED,
                RejectReason.VALIDATION_THROTTLED, RejectReason.VALIDATION_QUEUE_FULL}) {
            MessageId id = newId();
            s.validateMessage(id);
            s.duplicateMessage(bob, id, TOPIC);
            s.rejectMessage(alice, id, TOPIC, reason);
            s.duplicateMessage(carol, id, TOPIC);
            // the verdict is final: a late "delivery" cannot turn it into a first delivery
            s.deliverMessage(carol, id, TOPIC);
        }
        assertEquals(0, s.score(alice));
        assertEquals(0, s.score(bob));
        assertEquals(0, s.score(carol));
    }

    // ------------------------------------------------------------------ P5

    @Test
    void appSpecificScoreIsWeightedAndReadOnEveryCall() {
        b.appWeight = 2;
        PeerScore s = scorer(alice, bob);
        double[] app = {-3};
        s.setAppSpecificScore(p -> p.equals(alice) ? app[0] : 0);
        assertEquals(-6, s.score(alice), EPS);
        app[0] = 5;
        assertEquals(10, s.score(alice), EPS);
        assertEquals(0, s.score(bob), EPS);
        app[0] = Double.NaN;
        assertEquals(0, s.score(alice), EPS);
    }

    // ------------------------------------------------------------------ P6

    @Test
    void colocationPenalisesTheSurplusSquaredForEveryPeerOnTheIp() {
        b.ipWeight = -1;
        b.ipThreshold = 2;
        PeerScore s = scorer();
        PeerId dave = peer(4);
        s.addPeer(alice, "10.0.0.1");
        s.addPeer(bob, "10.0.0.1");
        assertEquals(0, s.score(alice), EPS);
        s.addPeer(carol, "10.0.0.1");
        s.addPeer(dave, "10.0.0.1");
        for (PeerId p : new PeerId[] {alice, bob, carol, dave}) {
            assertEquals(-4, s.score(p), EPS);
        }
        s.removePeer(dave);
        assertEquals(-1, s.score(alice), EPS);
        s.setIp(carol, "10.0.0.2");
        assertEquals(0, s.score(alice), EPS);
        assertEquals(0, s.score(carol), EPS);
    }

    @Test
    void whitelistedIpsAreExemptFromColocation() {
        b.ipWeight = -1;
        b.ipThreshold = 1;
        b.ipWhitelist = Set.of("127.0.0.1");
        PeerScore s = scorer();
        s.addPeer(alice, "127.0.0.1");
        s.addPeer(bob, "127.0.0.1");
        s.addPeer(carol, "127.0.0.1");
        assertEquals(0, s.score(alice));
    }

    // ------------------------------------------------------------------ P7

    @Test
    void behaviourPenaltyIsTheSquaredExcessOverTheThresholdAndDecays() {
        b.behaviourWeight = -1;
        b.behaviourThreshold = 2;
        b.behaviourDecay = 0.5;
        PeerScore s = scorer(alice);
        s.addPenalty(alice, 2);
        assertEquals(0, s.score(alice), EPS);
        s.addPenalty(alice, 3);
        assertEquals(-9, s.score(alice), EPS);
        tick(s, 1); // 2.5 → excess 0.5
        assertEquals(-0.25, s.score(alice), EPS);
        assertThrows(IllegalArgumentException.class, () -> s.addPenalty(alice, -1));
    }

    // ------------------------------------------------------------------ retention

    @Test
    void negativeScoreSurvivesReconnectWithinRetainScoreAndIsForgottenAfter() {
        b.invalidWeight = -1;
        b.invalidDecay = 0.9;
        b.retainScore = Duration.ofSeconds(10);
        PeerScore s = scorer(alice);
        reject(s, alice);
        s.removePeer(alice);
        assertEquals(1, s.trackedPeers());
        tick(s, 2);
        s.addPeer(alice, null);
        assertEquals(-0.81 * 0.81, s.score(alice), EPS); // kept decaying while away
        s.removePeer(alice);
        tick(s, 10);
        assertEquals(0, s.trackedPeers());
        s.addPeer(alice, null);
        assertEquals(0, s.score(alice));
    }

    @Test
    void nonNegativeScoresAreForgottenOnDisconnect() {
        b.firstWeight = 1;
        PeerScore s = scorer(alice, bob);
        deliver(s, alice);
        s.removePeer(alice);
        s.removePeer(bob);
        assertEquals(0, s.trackedPeers());
    }

    @Test
    void firstDeliveryCreditDoesNotSurviveReconnection() {
        b.firstWeight = 1;
        b.invalidWeight = -1;
        PeerScore s = scorer(alice);
        for (int i = 0; i < 5; i++) {
            deliver(s, alice);
        }
        reject(s, alice);
        assertEquals(4, s.score(alice), EPS);
        s.removePeer(alice); // what remains (-1) is negative: retained
        s.addPeer(alice, null);
        assertEquals(-1, s.score(alice), EPS);
    }

    @Test
    void retainedPeerWhosePenaltyDecayedAwayIsForgottenEarly() {
        b.invalidWeight = -1;
        b.invalidDecay = 0.5;
        b.decayToZero = 0.2;
        b.retainScore = Duration.ofHours(1);
        PeerScore s = scorer(alice);
        reject(s, alice);
        s.removePeer(alice);
        tick(s, 3); // 0.5, 0.25, 0.125 → 0
        assertEquals(0, s.trackedPeers());
    }

    @Test
    void disconnectingMeshPeerPaysItsDeliveryDeficit() {
        meshDeliveryParams();
        b.failureWeight = -1;
        PeerScore s = scorer(alice);
        s.graft(alice, TOPIC);
        tick(s, 6);
        s.removePeer(alice);
        s.addPeer(alice, null);
        assertEquals(-16, s.score(alice), 1e-3);
    }

    @Test
    void retainedPeersAreBoundedOldestFirst() {
        b.invalidWeight = -1;
        b.maxRetained = 2;
        PeerScore s = scorer(alice, bob, carol);
        for (PeerId p : new PeerId[] {alice, bob, carol}) {
            reject(s, p);
            s.removePeer(p);
        }
        assertEquals(2, s.trackedPeers());
        assertFalse(s.snapshot().containsKey(alice));
        assertTrue(s.snapshot().containsKey(carol));
    }

    // ------------------------------------------------------------------ bookkeeping

    @Test
    void deliveryRecordsAreBoundedAndExpire() {
        b.maxRecords = 100;
        b.recordTtl = Duration.ofSeconds(120);
        PeerScore s = scorer(alice);
        for (int i = 0; i < 10_000; i++) {
            reject(s, alice); // rejected messages' records are the ones kept for the whole TTL
        }
        assertEquals(100, s.deliveryRecords());
        clock.advance(Duration.ofSeconds(119));
        s.gc();
        assertEquals(100, s.deliveryRecords());
        clock.advance(Duration.ofSeconds(1));
        s.gc();
        assertEquals(0, s.deliveryRecords());
    }

    @Test
    void validMessagesKeepARecordOnlyWhileTheirP3WindowIsOpen() {
        meshDeliveryParams(); // window 100 ms
        b.maxRecords = 100;
        PeerScore s = scorer(alice, bob);
        for (int i = 0; i < 10_000; i++) {
            deliver(s, alice);
        }
        assertEquals(100, s.deliveryRecords());
        clock.advance(Duration.ofMillis(99));
        s.gc();
        assertEquals(100, s.deliveryRecords());
        clock.advance(Duration.ofMillis(1));
        s.gc();
        assertEquals(0, s.deliveryRecords());
    }

    @Test
    void withP3OffOnlyPendingAndRejectedMessagesKeepARecord() {
        b.invalidWeight = -1;
        PeerScore s = scorer(alice, bob);
        MessageId valid = deliver(s, alice);
        MessageId ignored = newId();
        s.validateMessage(ignored);
        s.rejectMessage(alice, ignored, TOPIC, RejectReason.VALIDATION_IGNORED);
        MessageId throttled = newId();
        s.validateMessage(throttled);
        s.rejectMessage(alice, throttled, TOPIC, RejectReason.VALIDATION_THROTTLED);
        assertEquals(0, s.deliveryRecords());
        MessageId rejected = reject(s, alice);
        s.validateMessage(newId());
        assertEquals(2, s.deliveryRecords());
        // duplicates: of the valid, ignored and throttled ones they cost and earn nothing; of the rejected one P4
        double before = s.score(bob);
        s.duplicateMessage(bob, valid, TOPIC);
        s.duplicateMessage(bob, ignored, TOPIC);
        s.duplicateMessage(bob, throttled, TOPIC);
        assertEquals(before, s.score(bob), EPS);
        s.duplicateMessage(bob, rejected, TOPIC);
        assertEquals(before - 1, s.score(bob), EPS);
        // a second outcome for a settled message changes nothing
        s.deliverMessage(bob, rejected, TOPIC);
        assertEquals(before - 1, s.score(bob), EPS);
    }

    @Test
    void duplicatesOfExpiredMessagesAreIgnored() {
        meshDeliveryParams();
        b.meshWindow = Duration.ofHours(1);
        b.recordTtl = Duration.ofSeconds(3);
        PeerScore s = scorer(alice, bob);
        s.graft(bob, TOPIC);
        MessageId id = deliver(s, alice);
        tick(s, 6);
        s.duplicateMessage(bob, id, TOPIC);
        assertEquals(0, s.deliveryRecords());
        assertEquals(-16, s.score(bob), 1e-3);
    }

    @Test
    void topicsWithoutParametersAreNotScored() {
        b.firstWeight = 1;
        b.invalidWeight = -1;
        b.defaultTopic = false;
        b.topics.put("scored", b.topic());
        PeerScore s = scorer(alice);
        deliver(s, alice); // on TOPIC, which has no parameters
        reject(s, alice);
        assertEquals(0, s.score(alice));
        MessageId id = newId();
        s.validateMessage(id);
        s.deliverMessage(alice, id, "scored");
        assertEquals(1, s.score(alice), EPS);
    }

    @Test
    void scoredTopicsPerPeerAreBounded() {
        b.firstWeight = 1;
        b.maxTopics = 2;
        PeerScore s = scorer(alice);
        for (int t = 0; t < 5; t++) {
            MessageId id = newId();
            s.validateMessage(id);
            s.deliverMessage(alice, id, "topic-" + t);
        }
        assertEquals(2, s.score(alice), EPS);
    }

    @Test
    void eventsAboutUnknownPeersAreIgnored() {
        b.firstWeight = 1;
        b.behaviourWeight = -1;
        PeerScore s = scorer();
        deliver(s, alice);
        s.graft(alice, TOPIC);
        s.addPenalty(alice, 5);
        assertEquals(0, s.trackedPeers());
        assertEquals(0, s.score(alice));
    }

    @Test
    void snapshotHasEveryTrackedPeer() {
        b.firstWeight = 1;
        PeerScore s = scorer(alice, bob);
        deliver(s, bob);
        assertEquals(2, s.trackedPeers());
        assertEquals(0.0, s.snapshot().get(alice), EPS);
        assertEquals(1.0, s.snapshot().get(bob), EPS);
    }
}
