package io.meshwork.libp2p.pubsub.internal.score;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * GossipSub v1.1 peer scoring: the router reports peer, mesh and message events, and asks for scores.
 *
 * <pre>
 * score = min(topicScoreCap, Σ topicWeight·(w1·P1 + w2·P2 + w3·P3 + w3b·P3b + w4·P4))   (cap only if positive)
 *       + w5·P5 + w6·P6 + w7·P7
 * </pre>
 *
 * <p><b>Message events</b> follow a per-message delivery record: {@link #validateMessage} when a new message
 * enters validation, then exactly one of {@link #deliverMessage} (accepted) or {@link #rejectMessage}; any
 * {@link #duplicateMessage} in between is remembered and settled with the outcome — credited towards P3 if the
 * message turns out valid, charged P4 if it is rejected. After the outcome, duplicates of a valid message count
 * for P3 only within the topic's {@code meshMessageDeliveriesWindow}; duplicates of a rejected message are charged
 * P4. Records expire after {@link PeerScoreParams#deliveryRecordTtl()} ({@link #gc()}, also run by
 * {@link #refreshScores()}) and are capped at {@link PeerScoreParams#maxDeliveryRecords()}.
 *
 * <p>Only what a later duplicate could still change is kept that long: pending and rejected messages. A valid
 * message's record is kept just for its topic's P3 window, and not at all where P3 is off (the chat default); an
 * ignored or throttled message's record goes at once (duplicates of those count for nothing). On a busy node most
 * messages are valid, so records now die young instead of filling the cap: 65,536 per node had been a fifth of
 * a benchmark JVM's live heap, and every record was copied by a young collection before it died in the old one.
 *
 * <p><b>Time-dependent parts</b> (P1 time in mesh, P3 activation) advance only in {@link #refreshScores()}, as the
 * spec suggests, so between refreshes a score changes only through events. That makes caching exact: each peer's
 * score without P5 is cached and recomputed after an event that touches it (its counters, or the peer count of
 * its IP) and after every refresh. P5 is asked from the application function on every {@link #score} call, so
 * keep that function cheap.
 *
 * <p><b>Disconnection</b>: the peer's mesh memberships end as prunes (P3b), its first-delivery credit (P2) is
 * dropped, and if what remains is negative the record is kept for {@link PeerScoreParams#retainScore()} and
 * restored by {@link #addPeer} — reconnecting does not clear a penalty. Retained counters keep decaying, so
 * disconnecting neither speeds up nor freezes forgiveness, and a retained peer whose penalties have decayed away
 * is forgotten early. P3 applies only while the peer is in the mesh; after a prune its history is P3b's job.
 *
 * <p>Events about peers that are not connected (never added, or removed) are ignored. Memory is bounded by the
 * connected peers, {@link PeerScoreParams#maxRetainedPeers()}, {@link PeerScoreParams#maxTopicsPerPeer()} and
 * {@link PeerScoreParams#maxDeliveryRecords()}.
 *
 * <p>Not thread-safe: the router calls it from its own thread only.
 */
public final class PeerScore {

    private final PeerScoreParams params;
    private final Clock clock;
    private ToDoubleFunction<PeerId> appSpecificScore = peer -> 0;

    private final Map<PeerId, PeerStats> peers = new HashMap<>();
    /** Disconnected peers with a retained score, oldest first (= soonest to expire: retainScore is fixed). */
    private final Set<PeerId> retained = new LinkedHashSet<>();
    /** Connected peers by IP, for P6. */
    private final Map<String, Set<PeerId>> peersByIp = new HashMap<>();
    /** Delivery records of pending and rejected messages, oldest first. */
    private final LinkedHashMap<MessageId, DeliveryRecord> deliveries = new LinkedHashMap<>();
    /** Valid messages' records while their topic's P3 window is open, about in order of closing. */
    private final LinkedHashMap<MessageId, DeliveryRecord> validInWindow = new LinkedHashMap<>();

    public PeerScore(PeerScoreParams params, Clock clock) {
        this.params = Objects.requireNonNull(params, "params");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public PeerScoreParams params() {
        return params;
    }

    /** How often the router should call {@link #refreshScores()}. */
    public Duration decayInterval() {
        return params.decayInterval();
    }

    /**
     * Sets the application-specific score P5 (weighted by {@link PeerScoreParams#appSpecificWeight()}); read on
     * every {@link #score} call. A NaN answer counts as 0. Defaults to 0 for everyone.
     */
    public void setAppSpecificScore(ToDoubleFunction<PeerId> appSpecificScore) {
        this.appSpecificScore = Objects.requireNonNull(appSpecificScore, "appSpecificScore");
    }

    // ------------------------------------------------------------------ peers

    /**
     * A peer connected (its first pubsub stream). Restores its retained score if it has one.
     *
     * @param ip the remote IP in the form the whitelist uses, for P6; null if unknown
     */
    public void addPeer(PeerId peer, @Nullable String ip) {
        Objects.requireNonNull(peer, "peer");
        PeerStats stats = peers.get(peer);
        if (stats == null) {
            stats = new PeerStats();
            peers.put(peer, stats);
        } else if (!stats.connected) {
            retained.remove(peer);
        }
        stats.connected = true;
        stats.invalidate();
        setIp(peer, ip);
    }

    /** The connected peer's IP changed (or became known); null if unknown. Ignored for unknown peers. */
    public void setIp(PeerId peer, @Nullable String ip) {
        PeerStats stats = connected(peer);
        if (stats == null || Objects.equals(stats.ip, ip)) {
            return;
        }
        if (stats.ip != null) {
            leaveIp(peer, stats.ip);
        }
        stats.ip = ip;
        stats.invalidate();
        if (ip != null) {
            Set<PeerId> colocated = peersByIp.computeIfAbsent(ip, k -> new HashSet<>());
            colocated.add(peer);
            invalidateAll(colocated);
        }
    }

    /**
     * A peer disconnected. Mesh memberships it still has end as prunes. Its score is retained for
     * {@link PeerScoreParams#retainScore()} if, without the first-delivery credit, it is negative; otherwise it is
     * forgotten.
     */
    public void removePeer(PeerId peer) {
        PeerStats stats = connected(peer);
        if (stats == null) {
            return;
        }
        for (TopicStats topic : stats.topics.values()) {
            if (topic.inMesh) {
                leaveMesh(topic);
            }
            // credit for past deliveries must not outlive the connection, or a peer could bank it
            topic.firstDeliveries = 0;
        }
        if (stats.ip != null) {
            leaveIp(peer, stats.ip);
            stats.ip = null;
        }
        stats.connected = false;
        stats.invalidate();
        if (params.retainScore().isZero() || params.maxRetainedPeers() == 0 || observedScore(stats) >= 0) {
            peers.remove(peer);
            return;
        }
        stats.expiresAt = clock.millis() + params.retainScore().toMillis();
        retained.add(peer);
        while (retained.size() > params.maxRetainedPeers()) {
            Iterator<PeerId> oldest = retained.iterator();
            peers.remove(oldest.next());
            oldest.remove();
        }
    }

    // ------------------------------------------------------------------ mesh

    /** We grafted the peer into the topic's mesh, or accepted its GRAFT. Repeated grafts are ignored. */
    public void graft(PeerId peer, String topic) {
        PeerStats stats = connected(peer);
        TopicStats t = stats == null ? null : topicStats(stats, topic);
        if (t == null || t.inMesh) {
            return;
        }
        t.inMesh = true;
        t.graftedAt = clock.millis();
        t.meshTimeMillis = 0;
        t.meshDeliveriesActive = false;
        stats.invalidate();
    }

    /**
     * The peer left the topic's mesh (PRUNE either way, unsubscription or disconnection). An active P3 deficit is
     * added, squared, to the sticky P3b penalty.
     */
    public void prune(PeerId peer, String topic) {
        PeerStats stats = peers.get(peer);
        TopicStats t = stats == null ? null : stats.topics.get(topic);
        if (t == null || !t.inMesh) {
            return;
        }
        leaveMesh(t);
        stats.invalidate();
    }

    private static void leaveMesh(TopicStats t) {
        double deficit = t.deficit();
        t.meshFailurePenalty += deficit * deficit;
        t.inMesh = false;
        t.meshDeliveriesActive = false;
        t.meshTimeMillis = 0;
    }

    // ------------------------------------------------------------------ messages

    /** A message not seen before enters validation: starts its delivery record. */
    public void validateMessage(MessageId id) {
        record(id);
    }

    /**
     * The message {@code from} sent first was accepted: P2 for the sender, P3 for it if it is a mesh peer, and P3
     * for the mesh peers whose duplicates arrived during validation. Counts only for a pending record (see
     * {@link #validateMessage}): a message is credited once.
     */
    public void deliverMessage(PeerId from, MessageId id, String topic) {
        DeliveryRecord r = deliveries.get(id);
        if (r == null || r.status != Status.PENDING) {
            return; // settled already, or never validated (or so long ago that the record is gone)
        }
        r.status = Status.VALID;
        r.validatedAt = clock.millis();
        firstDelivery(from, topic);
        for (PeerId duplicate : r.peers()) {
            if (!duplicate.equals(from)) {
                meshDelivery(duplicate, topic, Long.MIN_VALUE);
            }
        }
        r.sender = from;
        deliveries.remove(id);
        TopicScoreParams t = params.topicParams(topic);
        if (t != null && t.meshMessageDeliveriesWeight() != 0 && !t.meshMessageDeliveriesWindow().isZero()) {
            r.keepUntil = r.validatedAt + t.meshMessageDeliveriesWindow().toMillis();
            if (validInWindow.size() >= params.maxDeliveryRecords()) {
                dropOldest(validInWindow);
            }
            validInWindow.put(id, r);
        }
    }

    /**
     * {@code from} sent a message we had already seen. Counted once per peer and message: credited towards P3
     * (mesh peers only) if the message is valid and this arrived during validation or within the topic's window
     * after it; charged P4 if the message was rejected; otherwise nothing. Unknown (expired) messages are ignored.
     */
    public void duplicateMessage(PeerId from, MessageId id, String topic) {
        DeliveryRecord r = deliveries.get(id);
        if (r == null) {
            r = validInWindow.get(id);
        }
        if (r == null) {
            return;
        }
        switch (r.status) {
            case PENDING -> r.addPeer(from);
            case VALID -> {
                if (!from.equals(r.sender) && r.addPeer(from)) {
                    meshDelivery(from, topic, r.validatedAt);
                }
            }
            case INVALID -> invalidDelivery(from, topic);
        }
    }

    /** The message {@code from} sent was dropped for {@code reason}; see {@link RejectReason} for who pays. */
    public void rejectMessage(PeerId from, MessageId id, String topic, RejectReason reason) {
        if (reason.chargesSenderOnly()) {
            invalidDelivery(from, topic);
            return;
        }
        if (reason == RejectReason.VALIDATION_QUEUE_FULL || validInWindow.containsKey(id)) {
            return;
        }
        DeliveryRecord r = record(id);
        if (r.status != Status.PENDING) {
            return;
        }
        switch (reason) {
            case VALIDATION_REJECTED -> {
                r.status = Status.INVALID;
                invalidDelivery(from, topic);
                for (PeerId duplicate : r.peers()) {
                    if (!duplicate.equals(from)) {
                        invalidDelivery(duplicate, topic);
                    }
                }
            }
            // ignored or throttled: we cannot tell whether forwarding it was right, so duplicates count for nothing
            default -> deliveries.remove(id);
        }
        r.clearPeers();
    }

    private void firstDelivery(PeerId peer, String topic) {
        PeerStats stats = connected(peer);
        TopicStats t = stats == null ? null : topicStats(stats, topic);
        if (t == null) {
            return;
        }
        t.firstDeliveries = Math.min(t.firstDeliveries + 1, t.params.firstMessageDeliveriesCap());
        if (t.inMesh) {
            t.meshDeliveries = Math.min(t.meshDeliveries + 1, t.params.meshMessageDeliveriesCap());
        }
        stats.invalidate();
    }

    /** A near-first delivery by a mesh peer; {@code validatedAt} is MIN_VALUE if it arrived during validation. */
    private void meshDelivery(PeerId peer, String topic, long validatedAt) {
        PeerStats stats = connected(peer);
        TopicStats t = stats == null ? null : stats.topics.get(topic);
        if (t == null || !t.inMesh) {
            return;
        }
        if (validatedAt != Long.MIN_VALUE
                && clock.millis() - validatedAt > t.params.meshMessageDeliveriesWindow().toMillis()) {
            return;
        }
        t.meshDeliveries = Math.min(t.meshDeliveries + 1, t.params.meshMessageDeliveriesCap());
        stats.invalidate();
    }

    private void invalidDelivery(PeerId peer, String topic) {
        PeerStats stats = peers.get(peer);
        TopicStats t = stats == null ? null : topicStats(stats, topic);
        if (t == null) {
            return;
        }
        t.invalidDeliveries += 1;
        stats.invalidate();
    }

    /** The record of a pending or rejected message; a new pending one if there is none. */
    private DeliveryRecord record(MessageId id) {
        DeliveryRecord r = deliveries.get(id);
        if (r == null) {
            if (deliveries.size() >= params.maxDeliveryRecords()) {
                dropOldest(deliveries);
            }
            r = new DeliveryRecord(clock.millis());
            deliveries.put(id, r);
        }
        return r;
    }

    private static void dropOldest(LinkedHashMap<MessageId, DeliveryRecord> records) {
        Iterator<DeliveryRecord> oldest = records.values().iterator();
        oldest.next();
        oldest.remove();
    }

    // ------------------------------------------------------------------ behaviour

    /** Adds {@code count} to the peer's behaviour penalty counter (P7). Ignored for unknown peers. */
    public void addPenalty(PeerId peer, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("penalty count must be >= 0, got " + count);
        }
        PeerStats stats = connected(peer);
        if (stats == null || count == 0) {
            return;
        }
        stats.behaviourPenalty += count;
        stats.invalidate();
    }

    // ------------------------------------------------------------------ scores

    /** The peer's score; 0 for peers we know nothing about. Cheap: only P5 is computed per call. */
    public double score(PeerId peer) {
        PeerStats stats = peers.get(peer);
        if (stats == null) {
            return 0;
        }
        if (!stats.cacheValid) {
            stats.cached = observedScore(stats);
            stats.cacheValid = true;
        }
        return stats.cached + appScore(peer);
    }

    private double appScore(PeerId peer) {
        if (params.appSpecificWeight() == 0) {
            return 0;
        }
        double app = appSpecificScore.applyAsDouble(peer);
        return Double.isNaN(app) ? 0 : params.appSpecificWeight() * app;
    }

    /** Everything but P5. */
    private double observedScore(PeerStats stats) {
        double topics = 0;
        for (TopicStats t : stats.topics.values()) {
            topics += t.score();
        }
        if (params.topicScoreCap() > 0 && topics > params.topicScoreCap()) {
            topics = params.topicScoreCap();
        }
        double score = topics;
        if (stats.ip != null && !params.ipColocationFactorWhitelist().contains(stats.ip)) {
            Set<PeerId> colocated = peersByIp.get(stats.ip);
            int surplus = (colocated == null ? 0 : colocated.size()) - params.ipColocationFactorThreshold();
            if (surplus > 0) {
                score += (double) surplus * surplus * params.ipColocationFactorWeight();
            }
        }
        double excess = stats.behaviourPenalty - params.behaviourPenaltyThreshold();
        if (excess > 0) {
            score += excess * excess * params.behaviourPenaltyWeight();
        }
        return score;
    }

    /**
     * Decays every counter (connected and retained peers), advances time in mesh and P3 activation, forgets
     * expired retained scores and expired delivery records. Call every {@link #decayInterval()}.
     */
    public void refreshScores() {
        long now = clock.millis();
        gc();
        double zero = params.decayToZero();
        Iterator<Map.Entry<PeerId, PeerStats>> it = peers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<PeerId, PeerStats> e = it.next();
            PeerStats stats = e.getValue();
            if (!stats.connected && now >= stats.expiresAt) {
                it.remove();
                retained.remove(e.getKey());
                continue;
            }
            Iterator<TopicStats> topics = stats.topics.values().iterator();
            while (topics.hasNext()) {
                TopicStats t = topics.next();
                t.decay(now, zero);
                if (t.idle()) {
                    topics.remove();
                }
            }
            stats.behaviourPenalty = decay(stats.behaviourPenalty, params.behaviourPenaltyDecay(), zero);
            stats.invalidate();
            if (!stats.connected && observedScore(stats) >= 0) {
                it.remove();
                retained.remove(e.getKey());
            }
        }
    }

    /**
     * Drops delivery records older than {@link PeerScoreParams#deliveryRecordTtl()}, and valid messages' records
     * whose P3 window has closed (from the oldest on, up to the first still open: with topics of different windows
     * a record may outlive its own by the longest one, which changes nothing but memory).
     */
    public void gc() {
        long now = clock.millis();
        long cutoff = now - params.deliveryRecordTtl().toMillis();
        Iterator<DeliveryRecord> it = deliveries.values().iterator();
        while (it.hasNext() && it.next().firstSeen <= cutoff) {
            it.remove();
        }
        Iterator<DeliveryRecord> valid = validInWindow.values().iterator();
        while (valid.hasNext()) {
            DeliveryRecord r = valid.next();
            if (r.keepUntil > now && r.firstSeen > cutoff) {
                break;
            }
            valid.remove();
        }
    }

    /** Scores of all tracked peers, connected and retained, for the shell and metrics. */
    public Map<PeerId, Double> snapshot() {
        Map<PeerId, Double> scores = new HashMap<>();
        for (PeerId peer : peers.keySet()) {
            scores.put(peer, score(peer));
        }
        return Map.copyOf(scores);
    }

    /** Peers with score state: connected ones plus disconnected ones whose negative score is retained. */
    public int trackedPeers() {
        return peers.size();
    }

    /** Message delivery records currently held. */
    public int deliveryRecords() {
        return deliveries.size() + validInWindow.size();
    }

    // ------------------------------------------------------------------ internals

    private @Nullable PeerStats connected(PeerId peer) {
        PeerStats stats = peers.get(peer);
        return stats != null && stats.connected ? stats : null;
    }

    private @Nullable TopicStats topicStats(PeerStats stats, String topic) {
        TopicStats t = stats.topics.get(topic);
        if (t == null) {
            TopicScoreParams p = params.topicParams(topic);
            if (p == null || stats.topics.size() >= params.maxTopicsPerPeer()) {
                return null;
            }
            t = new TopicStats(p);
            stats.topics.put(topic, t);
        }
        return t;
    }

    private void leaveIp(PeerId peer, String ip) {
        Set<PeerId> colocated = peersByIp.get(ip);
        if (colocated == null) {
            return;
        }
        colocated.remove(peer);
        if (colocated.isEmpty()) {
            peersByIp.remove(ip);
        } else {
            invalidateAll(colocated);
        }
    }

    private void invalidateAll(Set<PeerId> colocated) {
        for (PeerId p : colocated) {
            PeerStats s = peers.get(p);
            if (s != null) {
                s.invalidate();
            }
        }
    }

    private static double decay(double value, double factor, double zero) {
        double decayed = value * factor;
        return decayed < zero ? 0 : decayed;
    }

    /** Ignored and throttled messages keep no record: duplicates of those count for nothing. */
    private enum Status { PENDING, VALID, INVALID }

    private static final class DeliveryRecord {
        final long firstSeen;
        Status status = Status.PENDING;
        long validatedAt;
        /** Once valid: when its topic's P3 window closes. */
        long keepUntil;
        /**
         * While pending: peers that sent duplicates; once valid: peers already credited (the sender aside). Created
         * on the first such peer: most messages are remembered for the seen TTL and never see one.
         */
        private @Nullable Set<PeerId> peers;
        /** Once valid: the peer that delivered it first. */
        @Nullable PeerId sender;

        DeliveryRecord(long firstSeen) {
            this.firstSeen = firstSeen;
        }

        Set<PeerId> peers() {
            return peers == null ? Set.of() : peers;
        }

        /** Adds {@code peer}; false if it was there. */
        boolean addPeer(PeerId peer) {
            if (peers == null) {
                peers = new HashSet<>(4);
            }
            return peers.add(peer);
        }

        void clearPeers() {
            peers = null;
        }
    }

    private static final class PeerStats {
        boolean connected;
        @Nullable String ip;
        long expiresAt;
        final Map<String, TopicStats> topics = new HashMap<>();
        double behaviourPenalty;
        double cached;
        boolean cacheValid;

        void invalidate() {
            cacheValid = false;
        }
    }

    private static final class TopicStats {
        private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);
        final TopicScoreParams params;
        /** P1's quantum in nanoseconds (saturated). */
        final long quantumNanos;
        boolean inMesh;
        long graftedAt;
        long meshTimeMillis;
        boolean meshDeliveriesActive;
        double firstDeliveries;
        double meshDeliveries;
        double meshFailurePenalty;
        double invalidDeliveries;

        TopicStats(TopicScoreParams params) {
            this.params = params;
            this.quantumNanos = params.timeInMeshQuantum().compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE
                    : params.timeInMeshQuantum().toNanos();
        }

        /** The P3 deficit: positive only for an active mesh peer below the threshold. */
        double deficit() {
            if (!meshDeliveriesActive || meshDeliveries >= params.meshMessageDeliveriesThreshold()) {
                return 0;
            }
            return params.meshMessageDeliveriesThreshold() - meshDeliveries;
        }

        double score() {
            double s = 0;
            if (inMesh) {
                // whole quanta; not Duration.dividedBy, which divides BigDecimals (this runs for every message)
                long quanta = meshTimeMillis < Long.MAX_VALUE / 1_000_000 ? meshTimeMillis * 1_000_000 / quantumNanos
                        : Duration.ofMillis(meshTimeMillis).dividedBy(params.timeInMeshQuantum());
                s += Math.min(quanta, params.timeInMeshCap()) * params.timeInMeshWeight();
            }
            s += firstDeliveries * params.firstMessageDeliveriesWeight();
            double deficit = deficit();
            s += deficit * deficit * params.meshMessageDeliveriesWeight();
            s += meshFailurePenalty * params.meshFailurePenaltyWeight();
            s += invalidDeliveries * invalidDeliveries * params.invalidMessageDeliveriesWeight();
            return s * params.topicWeight();
        }

        void decay(long now, double zero) {
            firstDeliveries = PeerScore.decay(firstDeliveries, params.firstMessageDeliveriesDecay(), zero);
            meshDeliveries = PeerScore.decay(meshDeliveries, params.meshMessageDeliveriesDecay(), zero);
            meshFailurePenalty = PeerScore.decay(meshFailurePenalty, params.meshFailurePenaltyDecay(), zero);
            invalidDeliveries = PeerScore.decay(invalidDeliveries, params.invalidMessageDeliveriesDecay(), zero);
            if (inMesh) {
                meshTimeMillis = Math.max(0, now - graftedAt);
                if (meshTimeMillis > params.meshMessageDeliveriesActivation().toMillis()) {
                    meshDeliveriesActive = true;
                }
            }
        }

        boolean idle() {
            return !inMesh && firstDeliveries == 0 && meshDeliveries == 0 && meshFailurePenalty == 0
                    && invalidDeliveries == 0;
        }
    }
}
