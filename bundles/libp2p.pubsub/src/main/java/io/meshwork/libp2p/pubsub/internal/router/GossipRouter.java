package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSubException;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.PubSubPeer;
import io.meshwork.libp2p.api.pubsub.PublishResult;
import io.meshwork.libp2p.api.pubsub.ValidationResult;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Graft;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IDontWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IHave;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.PeerInfo;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Prune;
import io.meshwork.libp2p.pubsub.internal.rpc.Ed25519Verifier;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageIdFunction;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageSigning;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc.SubOpts;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcMessage;
import io.meshwork.libp2p.pubsub.internal.score.PeerScore;
import io.meshwork.libp2p.pubsub.internal.score.PeerScoreThresholds;
import io.meshwork.libp2p.pubsub.internal.score.RejectReason;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GossipSub v1.1/v1.2 router with floodsub fallback: mesh maintenance, gossip, peer exchange, backoff,
 * IDONTWANT, flood publishing, direct peers, the validation pipeline and (optionally) peer scoring.
 *
 * <p><b>Threading.</b> Not thread-safe: every method must be called on the router's serial executor (given to the
 * constructor), which also receives the continuations of asynchronous validations. Time comes from the injected
 * {@link Clock}; nothing here sleeps or schedules: the owner calls {@link #heartbeat()} every
 * {@link RouterConfig#heartbeatInterval()}, so tests drive the router in virtual time.
 *
 * <p><b>Output.</b> Control messages and forwarded messages are collected per peer while an entry point runs and
 * handed to {@link RouterIo#send} once at its end (piggybacking control on messages).
 */
public final class GossipRouter {

    private static final Logger LOG = LoggerFactory.getLogger(GossipRouter.class);

    private final RouterConfig config;
    private final HostIdentity identity;
    private final PeerId self;
    private final byte[] selfBytes;
    private final Clock clock;
    private final RouterIo io;
    private final Executor executor;
    private final Random random;
    private final @Nullable PeerScore score;
    private final PeerScoreThresholds thresholds;
    private final MessageIdFunction signedIds;
    private final Set<String> unsignedTopics;

    private final Map<PeerId, PeerState> peers = new HashMap<>();
    /** Topic → connected peers subscribed to it. */
    private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private final Map<String, Set<PeerId>> mesh = new HashMap<>();
    private final Map<String, Set<PeerId>> fanout = new HashMap<>();
    private final Map<String, Long> fanoutLastPublish = new HashMap<>();
    /** Topic → peer → time (millis) until which we must not graft it. */
    private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
    /** Message id → peer → deadline (millis) of an IWANT the peer promised by IHAVE. */
    private final Map<MessageId, Map<PeerId, Long>> promises = new HashMap<>();
    private final SeenCache seen;
    private final java.util.function.Predicate<MessageId> seenHint;
    private final MessageCache mcache;
    private final Map<PeerId, Outgoing> outgoing = new LinkedHashMap<>();
    private boolean flushQueued;
    /** Signature checks made elsewhere for the RPC being handled (see handleRpc). */
    private Map<RpcMessage, String> checked = Map.of();
    private long seqno;
    private long ticks;
    private long lastDecay;
    private int pendingValidations;
    private final RouterStats.Counters counters = new RouterStats.Counters();
    private final @Nullable Ed25519Verifier ed25519;
    /** Most authors whose parsed Peer ID {@link #authorOf} keeps. */
    private static final int AUTHOR_CACHE = 1024;
    /** Recently seen authors ({@code from} bytes) and their Peer IDs, least recently used first. */
    private final Map<ByteBuffer, PeerId> authors = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PeerId> eldest) {
            return size() > AUTHOR_CACHE;
        }
    };

    /**
     * @param score the peer scorer, or null to run without scoring (every score is 0)
     * @param signedIds the message-id function of signed topics ({@code from ‖ seqno} by default)
     * @param unsignedTopics topics with the StrictNoSign policy (their ids are SHA-256 of the data)
     * @param ed25519 verifies Ed25519 message signatures the router checks itself (those not checked ahead), or
     *     null for the plain key path
     */
    public GossipRouter(RouterConfig config, HostIdentity identity, Clock clock, RouterIo io, Executor executor,
            Random random, @Nullable PeerScore score, PeerScoreThresholds thresholds, MessageIdFunction signedIds,
            Set<String> unsignedTopics, @Nullable Ed25519Verifier ed25519) {
        this.ed25519 = ed25519;
        this.config = config;
        this.identity = identity;
        this.self = identity.peerId();
        this.selfBytes = self.bytes();
        this.clock = clock;
        this.io = io;
        this.executor = executor;
        this.random = random;
        this.score = score;
        this.thresholds = thresholds;
        this.signedIds = signedIds;
        this.unsignedTopics = Set.copyOf(unsignedTopics);
        this.seen = new SeenCache(config.seenTtl(), config.seenCacheMax());
        this.seenHint = seen.probablySeen();
        this.mcache = new MessageCache(config.mcacheLength(), config.mcacheGossip(), config.mcacheMax());
        // Like go: seqnos start at the current Unix time in nanoseconds, so a restarted node does not reuse them.
        this.seqno = TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.lastDecay = clock.millis();
    }

    // ------------------------------------------------------------------ peers

    private static final class PeerState {
        final PeerId id;
        PubSubProtocol protocol;
        boolean outbound;
        final Set<String> topics = new HashSet<>();
        /** Ids the peer said it does not want (IDONTWANT), with the tick they arrived. */
        final Map<MessageId, Long> dontWant = new HashMap<>();
        int ihaveReceived;
        int idsAsked;
        int idontwantReceived;

        PeerState(PeerId id, PubSubProtocol protocol, boolean outbound) {
            this.id = id;
            this.protocol = protocol;
            this.outbound = outbound;
        }
    }

    /**
     * A peer speaking a pubsub protocol is connected (its first pubsub stream, in either direction, is up).
     * Sends it our subscriptions. Calling again updates the protocol (our outbound stream's protocol is what we
     * speak to it).
     *
     * @param ip the remote IP, for the IP-colocation score; null if unknown
     */
    public void addPeer(PeerId peer, PubSubProtocol protocol, boolean outbound, @Nullable String ip) {
        PeerState existing = peers.get(peer);
        if (existing != null) {
            existing.protocol = protocol;
            existing.outbound |= outbound;
            return;
        }
        peers.put(peer, new PeerState(peer, protocol, outbound));
        if (score != null) {
            score.addPeer(peer, ip);
        }
        if (!subscriptions.isEmpty()) {
            out(peer).subscriptions.addAll(subscriptions.stream().map(t -> new SubOpts(true, t)).toList());
        }
        flush();
    }

    /** The peer's last pubsub stream or connection is gone. */
    public void removePeer(PeerId peer) {
        PeerState p = peers.remove(peer);
        if (p == null) {
            return;
        }
        for (String topic : p.topics) {
            removeTopicPeer(topic, peer);
        }
        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            if (e.getValue().remove(peer) && score != null) {
                // leaving the mesh by disconnection counts like a prune for the delivery deficit
                score.prune(peer, e.getKey());
            }
        }
        fanout.values().forEach(f -> f.remove(peer));
        outgoing.remove(peer);
        if (score != null) {
            score.removePeer(peer);
        }
    }

    private void removeTopicPeer(String topic, PeerId peer) {
        Set<PeerId> set = topicPeers.get(topic);
        if (set != null && set.remove(peer) && set.isEmpty()) {
            topicPeers.remove(topic);
        }
    }

    // ------------------------------------------------------------------ local API

    /** Joins {@code topic}: announces the subscription and builds the mesh. No-op if already subscribed. */
    public void join(String topic) {
        if (!subscriptions.add(topic)) {
            return;
        }
        for (PeerState p : peers.values()) {
            out(p.id).subscriptions.add(new SubOpts(true, topic));
        }
        Set<PeerId> m = new LinkedHashSet<>();
        mesh.put(topic, m);
        Set<PeerId> fan = fanout.remove(topic);
        fanoutLastPublish.remove(topic);
        if (fan != null) {
            for (PeerId peer : fan) {
                if (peers.containsKey(peer) && scoreOf(peer) >= 0 && !inBackoff(topic, peer)) {
                    m.add(peer);
                }
            }
        }
        if (m.size() < config.d()) {
            m.addAll(pick(topic, config.d() - m.size(), p -> !m.contains(p.id) && meshCandidate(topic, p)));
        }
        for (PeerId peer : m) {
            graftPeer(topic, peer);
        }
        flush();
    }

    /** Leaves {@code topic}: announces it and prunes the mesh (with the unsubscribe backoff). */
    public void leave(String topic) {
        if (!subscriptions.remove(topic)) {
            return;
        }
        for (PeerState p : peers.values()) {
            out(p.id).subscriptions.add(new SubOpts(false, topic));
        }
        Set<PeerId> m = mesh.remove(topic);
        if (m != null) {
            for (PeerId peer : m) {
                if (score != null) {
                    score.prune(peer, topic);
                }
                sendPrune(peer, topic, true, config.unsubscribeBackoff().toSeconds());
            }
        }
        flush();
    }

    public Set<String> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    public List<PeerId> topicPeers(String topic) {
        return List.copyOf(topicPeers.getOrDefault(topic, Set.of()));
    }

    public Set<PeerId> meshPeers(String topic) {
        return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
    }

    public List<PubSubPeer> peerInfos() {
        List<PubSubPeer> list = new ArrayList<>();
        for (PeerState p : peers.values()) {
            Set<String> inMesh = new HashSet<>();
            mesh.forEach((topic, m) -> {
                if (m.contains(p.id)) {
                    inMesh.add(topic);
                }
            });
            list.add(new PubSubPeer(p.id, p.protocol.id(), p.topics, inMesh, scoreOf(p.id)));
        }
        return list;
    }

    public RouterStats stats() {
        return counters.snapshot(peers.size(), seen.size(), mcache.size(), pendingValidations);
    }

    /**
     * Publishes {@code data} on {@code topic} as this node: signs it (unless the topic is unsigned), runs the local
     * validators, delivers it locally if subscribed and sends it to the chosen peers.
     */
    public CompletionStage<PublishResult> publish(String topic, byte[] data) {
        PubSubException tooLarge = sizeError(data.length);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return publishPrepared(prepare(topic, data, ++seqno));
    }

    /**
     * Why a message of {@code length} bytes cannot be published (it exceeds max_message_size), or null if it can.
     * Thread-safe, so that a publisher can refuse before it signs.
     */
    public @Nullable PubSubException sizeError(int length) {
        return length <= config.maxMessageSize() ? null : new PubSubException("message of " + length
                + " bytes exceeds the maximum of " + config.maxMessageSize() + " bytes (max_message_size)");
    }

    /**
     * The message this node publishes on {@code topic}: signed with sequence number {@code seq} under StrictSign,
     * bare under StrictNoSign. Thread-safe and touches no router state, so that the caller can sign (the main cost
     * of publishing) outside the router's thread; {@link #publishPrepared} then publishes it.
     */
    public RpcMessage prepare(String topic, byte[] data, long seq) {
        if (unsignedTopics.contains(topic)) {
            return new RpcMessage(null, data.clone(), null, topic, null, null);
        }
        byte[] seqBytes = ByteBuffer.allocate(8).putLong(seq).array();
        return MessageSigning.sign(identity, new RpcMessage(selfBytes, data.clone(), seqBytes, topic, null, null));
    }

    /** Publishes a message made by {@link #prepare} as {@link #publish} does. */
    public CompletionStage<PublishResult> publishPrepared(RpcMessage msg) {
        String topic = msg.topic();
        if (topic == null || msg.data() == null) {
            throw new IllegalArgumentException("not a message made by prepare()");
        }
        PubSubException tooLarge = sizeError(msg.data().length);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        MessageId id = idOf(msg, topic);
        seen.add(id, clock.millis());
        PubSubMessage api = toApi(msg, id, self);
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        CompletionStage<ValidationResult> verdict = io.validate(api);
        if (verdict == null) {
            result.complete(publishValidated(msg, id, api));
        } else {
            verdict.whenComplete((r, e) -> executor.execute(() -> {
                if (e != null || r != ValidationResult.ACCEPT) {
                    result.completeExceptionally(new PubSubException("a local validator of topic '" + topic + "' "
                            + (e != null ? "failed: " + e : "answered " + r) + "; the message was not published",
                            e));
                } else {
                    result.complete(publishValidated(msg, id, api));
                }
            }));
        }
        return result;
    }

    private PublishResult publishValidated(RpcMessage msg, MessageId id, PubSubMessage api) {
        String topic = api.topic();
        mcache.put(id, msg, topic);
        counters.published++;
        Set<PeerId> to = new LinkedHashSet<>();
        Set<PeerId> subscribed = topicPeers.getOrDefault(topic, Set.of());
        if (config.floodPublish()) {
            for (PeerId peer : subscribed) {
                if (config.directPeers().contains(peer) || scoreOf(peer) >= thresholds.publishThreshold()) {
                    to.add(peer);
                }
            }
        } else {
            for (PeerId peer : subscribed) {
                PeerState p = peers.get(peer);
                if (p != null && (!p.protocol.isGossip() || config.directPeers().contains(peer))) {
                    to.add(peer);
                }
            }
            Set<PeerId> m = mesh.get(topic);
            if (m != null) {
                to.addAll(m);
            } else {
                Set<PeerId> fan = fanout.computeIfAbsent(topic, t -> new LinkedHashSet<>());
                if (fan.size() < config.d()) {
                    fan.addAll(pick(topic, config.d() - fan.size(), p -> !fan.contains(p.id)
                            && p.protocol.isGossip() && !config.directPeers().contains(p.id)
                            && scoreOf(p.id) >= thresholds.publishThreshold()));
                }
                to.addAll(fan);
            }
        }
        if (!subscriptions.contains(topic)) {
            fanoutLastPublish.put(topic, clock.millis());
            fanout.computeIfAbsent(topic, t -> new LinkedHashSet<>());
        }
        for (PeerId peer : to) {
            out(peer).messages.add(msg);
        }
        if (subscriptions.contains(topic)) {
            io.deliver(api);
        }
        flush();
        return new PublishResult(id.toByteArray(), to.size());
    }

    // ------------------------------------------------------------------ inbound RPC

    /** Handles one decoded RPC from {@code from}, verifying signatures here. */
    public void handleRpc(PeerId from, Rpc rpc) {
        handleRpc(from, rpc, Map.of());
    }

    /**
     * Handles one decoded RPC from {@code from} whose signatures were (partly) verified already, on other threads:
     * {@code checked} maps a message of the RPC (by identity) to {@link #SIGNATURE_OK} or the reason its signature
     * is invalid; messages not in it are verified here.
     */
    public void handleRpc(PeerId from, Rpc rpc, Map<RpcMessage, String> checked) {
        this.checked = checked;
        try {
            handleRpcChecked(from, rpc);
        } finally {
            this.checked = Map.of();
        }
    }

    /** The value of a signature check that passed, in the map given to {@link #handleRpc(PeerId, Rpc, Map)}. */
    public static final String SIGNATURE_OK = "";

    /**
     * Whether an id was probably seen recently, callable from any thread: a hint to skip verifying what the router
     * will drop as a duplicate. It may be wrong while the router changes the cache; the router verifies any message
     * that reaches it unverified and unseen.
     */
    public java.util.function.Predicate<MessageId> seenHint() {
        return seenHint;
    }

    private void handleRpcChecked(PeerId from, Rpc rpc) {
        PeerState p = peers.get(from);
        if (p == null) {
            LOG.debug("Dropping an RPC from {}, which is not a pubsub peer (any more)", from);
            return;
        }
        if (score != null && score.score(from) < thresholds.graylistThreshold()) {
            counters.graylisted++;
            return;
        }
        for (SubOpts sub : rpc.subscriptions()) {
            handleSubscription(p, sub);
        }
        for (RpcMessage msg : rpc.publish()) {
            handleMessage(p, msg);
        }
        ControlMessage control = rpc.control();
        if (control != null && p.protocol.isGossip()) {
            handleControl(p, control);
        }
        flush();
    }

    private void handleSubscription(PeerState p, SubOpts sub) {
        String topic = sub.topic();
        if (sub.subscribe()) {
            if (p.topics.size() >= config.maxTopicsPerPeer() && !p.topics.contains(topic)) {
                counters.subscriptionsDropped++;
                return;
            }
            p.topics.add(topic);
            topicPeers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(p.id);
        } else {
            p.topics.remove(topic);
            removeTopicPeer(topic, p.id);
            Set<PeerId> m = mesh.get(topic);
            if (m != null && m.remove(p.id) && score != null) {
                score.prune(p.id, topic);
            }
            Set<PeerId> fan = fanout.get(topic);
            if (fan != null) {
                fan.remove(p.id);
            }
        }
    }

    private void handleMessage(PeerState p, RpcMessage msg) {
        String topic = msg.topic();
        counters.received++;
        if (topic == null) {
            counters.invalid++;
            return;
        }
        if (!subscriptions.contains(topic)) {
            counters.notSubscribed++;
            return;
        }
        boolean unsigned = unsignedTopics.contains(topic);
        MessageId id = idOf(msg, topic);
        if (msg.dataLength() > config.maxMessageSize()) {
            reject(p.id, id, topic, RejectReason.VALIDATION_REJECTED, "payload of " + msg.dataLength()
                    + " bytes over the maximum");
            return;
        }
        String policyError = unsigned ? MessageSigning.checkUnsigned(msg) : MessageSigning.checkSignedFields(msg);
        if (policyError != null) {
            reject(p.id, id, topic, unsigned ? RejectReason.INVALID_SIGNATURE : RejectReason.MISSING_SIGNATURE,
                    policyError);
            return;
        }
        if (!unsigned && java.util.Arrays.equals(msg.from(), selfBytes)) {
            counters.selfOrigin++;
            return;
        }
        if (seen.contains(id)) {
            counters.duplicates++;
            if (score != null) {
                score.duplicateMessage(p.id, id, topic);
            }
            return;
        }
        if (!unsigned) {
            String precomputed = checked.get(msg);
            String sigError = precomputed == null ? MessageSigning.verify(msg, ed25519)
                    : precomputed.isEmpty() ? null : precomputed;
            if (sigError != null) {
                reject(p.id, id, topic, RejectReason.INVALID_SIGNATURE, sigError);
                return;
            }
        }
        seen.add(id, clock.millis());
        promises.remove(id);
        if (score != null) {
            score.validateMessage(id);
        }
        if (msg.dataLength() >= config.idontwantThreshold()) {
            sendIDontWant(topic, id, p.id);
        }
        if (pendingValidations >= config.maxPendingValidations()) {
            counters.validationThrottled++;
            if (score != null) {
                score.rejectMessage(p.id, id, topic, RejectReason.VALIDATION_THROTTLED);
            }
            return;
        }
        PubSubMessage api = toApi(msg, id, p.id);
        CompletionStage<ValidationResult> verdict = io.validate(api);
        if (verdict == null) {
            accept(p.id, msg, id, api);
            return;
        }
        pendingValidations++;
        verdict.toCompletableFuture().orTimeout(config.validationTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> executor.execute(() -> {
                    pendingValidations--;
                    ValidationResult result = e != null ? ValidationResult.IGNORE : r;
                    if (e != null) {
                        LOG.debug("Validation of {} on '{}' failed or timed out: {}", id, topic, e.toString());
                    }
                    switch (result) {
                        case ACCEPT -> accept(p.id, msg, id, api);
                        case REJECT -> reject(p.id, id, topic, RejectReason.VALIDATION_REJECTED,
                                "rejected by a validator");
                        default -> {
                            counters.ignored++;
                            if (score != null) {
                                score.rejectMessage(p.id, id, topic, RejectReason.VALIDATION_IGNORED);
                            }
                        }
                    }
                    flush();
                }));
    }

    private void reject(PeerId from, MessageId id, String topic, RejectReason reason, String why) {
        counters.rejected++;
        LOG.debug("Rejected message {} on '{}' from {}: {}", id, topic, from, why);
        if (score != null) {
            score.rejectMessage(from, id, topic, reason);
        }
    }

    private void accept(PeerId from, RpcMessage msg, MessageId id, PubSubMessage api) {
        String topic = api.topic();
        counters.delivered++;
        if (score != null) {
            score.deliverMessage(from, id, topic);
        }
        mcache.put(id, msg, topic);
        if (subscriptions.contains(topic)) {
            io.deliver(api);
        }
        forward(from, msg, id, topic);
    }

    private void forward(PeerId from, RpcMessage msg, MessageId id, String topic) {
        Set<PeerId> to = new LinkedHashSet<>();
        Set<PeerId> m = mesh.get(topic);
        if (m != null) {
            to.addAll(m);
        }
        for (PeerId peer : topicPeers.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (p != null && (!p.protocol.isGossip() || config.directPeers().contains(peer))) {
                to.add(peer);
            }
        }
        to.remove(from);
        for (PeerId peer : to) {
            PeerState p = peers.get(peer);
            if (p == null || p.dontWant.containsKey(id) || authoredBy(msg, peer)) {
                continue;
            }
            out(peer).messages.add(msg);
            counters.forwarded++;
        }
    }

    private static boolean authoredBy(RpcMessage msg, PeerId peer) {
        return msg.from() != null && java.util.Arrays.equals(msg.from(), peer.bytes());
    }

    private void sendIDontWant(String topic, MessageId id, PeerId from) {
        for (PeerId peer : mesh.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (p != null && !peer.equals(from) && p.protocol.supportsIDontWant()) {
                out(peer).idontwant.add(id);
            }
        }
    }

    // ------------------------------------------------------------------ control

    private void handleControl(PeerState p, ControlMessage control) {
        List<MessageId> iwant = new ArrayList<>();
        for (IHave ihave : control.ihave()) {
            handleIHave(p, ihave, iwant);
        }
        if (!iwant.isEmpty()) {
            out(p.id).iwant.addAll(iwant);
            MessageId promised = iwant.get(random.nextInt(iwant.size()));
            promises.computeIfAbsent(promised, k -> new HashMap<>(2))
                    .put(p.id, clock.millis() + config.iwantFollowupTime().toMillis());
        }
        for (IWant want : control.iwant()) {
            handleIWant(p, want);
        }
        List<Prune> pruneBack = new ArrayList<>();
        for (Graft graft : control.graft()) {
            handleGraft(p, graft.topic(), pruneBack);
        }
        for (Prune prune : control.prune()) {
            handlePrune(p, prune);
        }
        for (IDontWant dw : control.idontwant()) {
            for (MessageId id : dw.messageIds()) {
                if (p.idontwantReceived >= config.idontwantMaxIds()) {
                    break;
                }
                p.idontwantReceived++;
                p.dontWant.put(id, ticks);
            }
        }
        if (!pruneBack.isEmpty()) {
            out(p.id).prune.addAll(pruneBack);
        }
    }

    private void handleIHave(PeerState p, IHave ihave, List<MessageId> iwant) {
        if (scoreOf(p.id) < thresholds.gossipThreshold()) {
            return;
        }
        if (++p.ihaveReceived > config.maxIHaveMessages()) {
            counters.ihaveDropped++;
            return;
        }
        if (!mesh.containsKey(ihave.topic())) {
            return;
        }
        List<MessageId> wanted = new ArrayList<>();
        for (MessageId id : ihave.messageIds()) {
            if (!seen.contains(id) && !iwant.contains(id)) {
                wanted.add(id);
            }
        }
        int room = config.maxIHaveLength() - p.idsAsked;
        if (room <= 0 || wanted.isEmpty()) {
            return;
        }
        Collections.shuffle(wanted, random);
        List<MessageId> ask = wanted.subList(0, Math.min(room, wanted.size()));
        p.idsAsked += ask.size();
        iwant.addAll(ask);
    }

    private void handleIWant(PeerState p, IWant want) {
        if (scoreOf(p.id) < thresholds.gossipThreshold()) {
            return;
        }
        for (MessageId id : want.messageIds()) {
            MessageCache.Entry e = mcache.get(id);
            if (e == null) {
                continue;
            }
            int served = e.served.merge(p.id, 1, Integer::sum);
            if (served > config.gossipRetransmission() || p.dontWant.containsKey(id)) {
                continue;
            }
            out(p.id).messages.add(e.message);
            counters.iwantServed++;
        }
    }

    private void handleGraft(PeerState p, String topic, List<Prune> pruneBack) {
        Set<PeerId> m = mesh.get(topic);
        if (m == null) {
            // not subscribed: refuse without peer exchange (do not leak peers of unknown topics)
            pruneBack.add(pruneFor(p, topic, false, config.pruneBackoff().toSeconds()));
            return;
        }
        if (m.contains(p.id)) {
            return;
        }
        if (config.directPeers().contains(p.id)) {
            LOG.debug("Direct peer {} tried to graft on '{}'; refused", p.id, topic);
            pruneBack.add(pruneFor(p, topic, false, config.pruneBackoff().toSeconds()));
            return;
        }
        long now = clock.millis();
        Long until = backoff.getOrDefault(topic, Map.of()).get(p.id);
        if (until != null && until > now) {
            if (score != null) {
                score.addPenalty(p.id, 1);
                long prunedAt = until - config.pruneBackoff().toMillis() - config.pruneBackoffSlack().toMillis();
                if (now < prunedAt + config.graftFloodThreshold().toMillis()) {
                    score.addPenalty(p.id, 1);
                }
            }
            counters.graftsInBackoff++;
            addBackoff(topic, p.id, config.pruneBackoff().toSeconds());
            pruneBack.add(pruneFor(p, topic, false, config.pruneBackoff().toSeconds()));
            return;
        }
        if (scoreOf(p.id) < 0) {
            addBackoff(topic, p.id, config.pruneBackoff().toSeconds());
            pruneBack.add(pruneFor(p, topic, false, config.pruneBackoff().toSeconds()));
            return;
        }
        if (m.size() >= config.dHi() && !p.outbound) {
            addBackoff(topic, p.id, config.pruneBackoff().toSeconds());
            pruneBack.add(pruneFor(p, topic, true, config.pruneBackoff().toSeconds()));
            return;
        }
        m.add(p.id);
        if (score != null) {
            score.graft(p.id, topic);
        }
        offerRecent(p.id, topic);
    }

    /**
     * Tells a peer that just joined our mesh for {@code topic} which recent messages we have (an IHAVE of the
     * message cache's gossip window), so it can ask for what it missed. Why: a peer that lost its mesh (mesh peers
     * died or pruned it) misses what was published until it grafts new ones, and ordinary gossip goes only to
     * peers outside the mesh, so nothing else would offer it those messages again. Receivers handle IHAVE from
     * mesh peers like any other (go and js do), so this stays within the protocol.
     */
    private void offerRecent(PeerId peer, String topic) {
        List<MessageId> ids = mcache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        if (ids.size() > config.maxIHaveLength()) {
            ids = ids.subList(0, config.maxIHaveLength()); // newest first
        }
        out(peer).ihave.add(new IHave(topic, ids));
    }

    private void handlePrune(PeerState p, Prune prune) {
        String topic = prune.topic();
        Set<PeerId> m = mesh.get(topic);
        if (m != null && m.remove(p.id) && score != null) {
            score.prune(p.id, topic);
        }
        long given = prune.backoffSeconds() == null ? 0 : prune.backoffSeconds();
        addBackoff(topic, p.id, Math.max(given, config.pruneBackoff().toSeconds()));
        // without scoring every peer is trusted for peer exchange (as in go, where the threshold is then 0)
        boolean trusted = score == null || score.score(p.id) >= thresholds.acceptPXThreshold();
        if (!prune.peers().isEmpty() && trusted && m != null) {
            int connected = 0;
            List<PeerInfo> offered = new ArrayList<>(prune.peers());
            Collections.shuffle(offered, random);
            for (PeerInfo info : offered) {
                if (connected >= config.prunePeers() || info.peerId() == null) {
                    continue;
                }
                PeerId peer;
                try {
                    peer = PeerId.fromBytes(info.peerId());
                } catch (RuntimeException e) {
                    continue;
                }
                if (peer.equals(self) || peers.containsKey(peer)) {
                    continue;
                }
                io.connect(peer, info.signedPeerRecord());
                connected++;
            }
        }
    }

    private void addBackoff(String topic, PeerId peer, long seconds) {
        long until = clock.millis() + seconds * 1000 + config.pruneBackoffSlack().toMillis();
        backoff.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, until, Math::max);
    }

    private boolean inBackoff(String topic, PeerId peer) {
        Long until = backoff.getOrDefault(topic, Map.of()).get(peer);
        return until != null && until > clock.millis();
    }

    private void graftPeer(String topic, PeerId peer) {
        out(peer).graft.add(new Graft(topic));
        if (score != null) {
            score.graft(peer, topic);
        }
        offerRecent(peer, topic);
    }

    private void sendPrune(PeerId peer, String topic, boolean px, long backoffSeconds) {
        PeerState p = peers.get(peer);
        if (p != null) {
            out(peer).prune.add(pruneFor(p, topic, px, backoffSeconds));
            addBackoff(topic, peer, backoffSeconds);
        }
    }

    private Prune pruneFor(PeerState to, String topic, boolean px, long backoffSeconds) {
        if (!to.protocol.supportsPeerExchange()) {
            return new Prune(topic, List.of(), null);
        }
        List<PeerInfo> infos = new ArrayList<>();
        if (px && config.prunePeers() > 0) {
            for (PeerId peer : pick(topic, config.prunePeers(), c -> !c.id.equals(to.id) && c.protocol.isGossip()
                    && scoreOf(c.id) >= 0)) {
                infos.add(new PeerInfo(peer.bytes(), io.signedPeerRecord(peer)));
            }
        }
        return new Prune(topic, infos, backoffSeconds);
    }

    // ------------------------------------------------------------------ heartbeat

    /** One heartbeat: scores, mesh maintenance, fanout, gossip, caches. */
    public void heartbeat() {
        ticks++;
        long now = clock.millis();
        if (score != null && now - lastDecay >= scoreDecayMillis()) {
            score.refreshScores();
            lastDecay = now;
        }
        applyBrokenPromises(now);
        for (PeerState p : peers.values()) {
            p.ihaveReceived = 0;
            p.idsAsked = 0;
            p.idontwantReceived = 0;
            p.dontWant.values().removeIf(tick -> ticks - tick > 3);
        }
        backoff.values().forEach(b -> b.values().removeIf(until -> until <= now));
        backoff.values().removeIf(Map::isEmpty);

        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            maintainMesh(e.getKey(), e.getValue());
        }
        Iterator<Map.Entry<String, Set<PeerId>>> fans = fanout.entrySet().iterator();
        while (fans.hasNext()) {
            Map.Entry<String, Set<PeerId>> e = fans.next();
            String topic = e.getKey();
            Long last = fanoutLastPublish.get(topic);
            if (last == null || now - last > config.fanoutTtl().toMillis()) {
                fans.remove();
                fanoutLastPublish.remove(topic);
                continue;
            }
            Set<PeerId> fan = e.getValue();
            Set<PeerId> subscribed = topicPeers.getOrDefault(topic, Set.of());
            fan.removeIf(peer -> !subscribed.contains(peer) || scoreOf(peer) < thresholds.publishThreshold());
            if (fan.size() < config.d()) {
                fan.addAll(pick(topic, config.d() - fan.size(), p -> !fan.contains(p.id) && p.protocol.isGossip()
                        && !config.directPeers().contains(p.id)
                        && scoreOf(p.id) >= thresholds.publishThreshold()));
            }
            emitGossip(topic, fan);
        }
        if ((ticks - 1) % config.directConnectTicks() == 0) {
            for (PeerId direct : config.directPeers()) {
                if (!peers.containsKey(direct)) {
                    io.connect(direct, null);
                }
            }
        }
        mcache.shift();
        seen.expire(now);
        flush();
    }

    private long scoreDecayMillis() {
        return score == null ? Long.MAX_VALUE : score.decayInterval().toMillis();
    }

    private void applyBrokenPromises(long now) {
        Iterator<Map.Entry<MessageId, Map<PeerId, Long>>> it = promises.entrySet().iterator();
        while (it.hasNext()) {
            Map<PeerId, Long> byPeer = it.next().getValue();
            byPeer.entrySet().removeIf(e -> {
                if (e.getValue() > now) {
                    return false;
                }
                counters.brokenPromises++;
                if (score != null) {
                    score.addPenalty(e.getKey(), 1);
                }
                return true;
            });
            if (byPeer.isEmpty()) {
                it.remove();
            }
        }
    }

    private void maintainMesh(String topic, Set<PeerId> m) {
        // (a) peers with a negative score leave the mesh (no peer exchange for them)
        for (PeerId peer : new ArrayList<>(m)) {
            if (scoreOf(peer) < 0) {
                m.remove(peer);
                if (score != null) {
                    score.prune(peer, topic);
                }
                sendPrune(peer, topic, false, config.pruneBackoff().toSeconds());
            }
        }
        // (b) too few: graft up to D
        if (m.size() < config.dLo()) {
            for (PeerId peer : pick(topic, config.d() - m.size(), p -> !m.contains(p.id) && meshCandidate(topic, p))) {
                m.add(peer);
                graftPeer(topic, peer);
            }
        }
        // (c) too many: keep the best D_score by score, the rest at random, and at least D_out outbound
        if (m.size() > config.dHi()) {
            List<PeerId> ordered = new ArrayList<>(m);
            Collections.shuffle(ordered, random);
            ordered.sort(Comparator.comparingDouble((PeerId p) -> scoreOf(p)).reversed());
            List<PeerId> keep = new ArrayList<>(ordered.subList(0, config.dScore()));
            List<PeerId> rest = new ArrayList<>(ordered.subList(config.dScore(), ordered.size()));
            Collections.shuffle(rest, random);
            keep.addAll(rest.subList(0, config.d() - config.dScore()));
            List<PeerId> dropped = new ArrayList<>(rest.subList(config.d() - config.dScore(), rest.size()));
            long outboundKept = keep.stream().filter(this::isOutbound).count();
            if (outboundKept < config.dOut()) {
                // swap non-outbound peers of the random part for outbound ones from the dropped
                List<PeerId> outboundDropped = new ArrayList<>(dropped.stream().filter(this::isOutbound).toList());
                for (int i = keep.size() - 1; i >= config.dScore() && outboundKept < config.dOut()
                        && !outboundDropped.isEmpty(); i--) {
                    if (!isOutbound(keep.get(i))) {
                        PeerId in = outboundDropped.remove(0);
                        dropped.remove(in);
                        dropped.add(keep.set(i, in));
                        outboundKept++;
                    }
                }
            }
            for (PeerId peer : dropped) {
                m.remove(peer);
                if (score != null) {
                    score.prune(peer, topic);
                }
                sendPrune(peer, topic, true, config.pruneBackoff().toSeconds());
            }
        }
        // (d) too few outbound peers: graft outbound ones
        if (m.size() >= config.dLo()) {
            long outbound = m.stream().filter(this::isOutbound).count();
            if (outbound < config.dOut()) {
                for (PeerId peer : pick(topic, (int) (config.dOut() - outbound),
                        p -> p.outbound && !m.contains(p.id) && meshCandidate(topic, p))) {
                    m.add(peer);
                    graftPeer(topic, peer);
                }
            }
        }
        // (e) opportunistic grafting when the mesh's median score is low
        if (score != null && ticks % config.opportunisticGraftTicks() == 0 && m.size() > 1) {
            List<Double> scores = m.stream().map(this::scoreOf).sorted().toList();
            double median = scores.get(scores.size() / 2);
            if (median < thresholds.opportunisticGraftThreshold()) {
                for (PeerId peer : pick(topic, config.opportunisticGraftPeers(),
                        p -> !m.contains(p.id) && meshCandidate(topic, p) && scoreOf(p.id) > median)) {
                    m.add(peer);
                    graftPeer(topic, peer);
                }
            }
        }
        // (g) gossip to peers outside the mesh
        emitGossip(topic, m);
    }

    private boolean isOutbound(PeerId peer) {
        PeerState p = peers.get(peer);
        return p != null && p.outbound;
    }

    private boolean meshCandidate(String topic, PeerState p) {
        return p.protocol.isGossip() && !config.directPeers().contains(p.id) && !inBackoff(topic, p.id)
                && scoreOf(p.id) >= 0;
    }

    private void emitGossip(String topic, Set<PeerId> exclude) {
        List<MessageId> ids = mcache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        List<PeerId> eligible = new ArrayList<>();
        for (PeerId peer : topicPeers.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (p != null && !exclude.contains(peer) && p.protocol.isGossip() && !config.directPeers().contains(peer)
                    && scoreOf(peer) >= thresholds.gossipThreshold()) {
                eligible.add(peer);
            }
        }
        int target = Math.max(config.dLazy(), (int) (config.gossipFactor() * eligible.size()));
        Collections.shuffle(eligible, random);
        for (PeerId peer : eligible.subList(0, Math.min(target, eligible.size()))) {
            List<MessageId> send = ids;
            if (send.size() > config.maxIHaveLength()) {
                send = new ArrayList<>(ids);
                Collections.shuffle(send, random);
                send = send.subList(0, config.maxIHaveLength());
            }
            out(peer).ihave.add(new IHave(topic, send));
        }
    }

    /** Up to {@code count} random peers subscribed to {@code topic} that pass {@code filter}. */
    private List<PeerId> pick(String topic, int count, Predicate<PeerState> filter) {
        if (count <= 0) {
            return List.of();
        }
        List<PeerId> candidates = new ArrayList<>();
        for (PeerId peer : topicPeers.getOrDefault(topic, Set.of())) {
            PeerState p = peers.get(peer);
            if (p != null && filter.test(p)) {
                candidates.add(peer);
            }
        }
        Collections.shuffle(candidates, random);
        return candidates.size() <= count ? candidates : new ArrayList<>(candidates.subList(0, count));
    }

    private double scoreOf(PeerId peer) {
        return score == null ? 0 : score.score(peer);
    }

    // ------------------------------------------------------------------ helpers

    private MessageId idOf(RpcMessage msg, String topic) {
        return unsignedTopics.contains(topic) ? MessageIdFunction.DATA_SHA256.apply(msg) : signedIds.apply(msg);
    }

    private PubSubMessage toApi(RpcMessage msg, MessageId id, PeerId receivedFrom) {
        PeerId author = msg.from() == null ? null : authorOf(msg.from());
        Long seq = null;
        byte[] seqBytes = msg.seqno();
        if (seqBytes != null && seqBytes.length > 0 && seqBytes.length <= 8) {
            long v = 0;
            for (byte b : seqBytes) { // big-endian, possibly without leading zero bytes (js floodsub)
                v = (v << 8) | (b & 0xff);
            }
            seq = v;
        }
        byte[] data = msg.data() == null ? new byte[0] : msg.data();
        return new PubSubMessage(msg.topic() == null ? "" : msg.topic(), data, author, seq, id.toByteArray(),
                receivedFrom);
    }

    /**
     * The author's Peer ID, or null if {@code from} is not one. Parsed once per author while it stays among the
     * {@value #AUTHOR_CACHE} most recent: parsing an inlined key validates it, which costs as much as half a
     * signature verification.
     */
    private @Nullable PeerId authorOf(byte[] from) {
        if (Arrays.equals(from, selfBytes)) {
            return self;
        }
        ByteBuffer key = ByteBuffer.wrap(from);
        PeerId author = authors.get(key);
        if (author == null) {
            try {
                author = PeerId.fromBytes(from);
            } catch (RuntimeException e) {
                return null;
            }
            authors.put(ByteBuffer.wrap(from.clone()), author);
        }
        return author;
    }

    private Outgoing out(PeerId peer) {
        return outgoing.computeIfAbsent(peer, k -> new Outgoing());
    }

    /**
     * Asks for the collected output to be sent: once, by a task queued behind whatever else is already waiting on
     * the router's executor. A burst of publications or RPCs queued together therefore leaves as one RPC per peer
     * instead of one per message (one frame, one encryption, one write); when the router is idle the flush runs
     * right after the current task, so nothing waits.
     */
    private void flush() {
        if (outgoing.isEmpty() || flushQueued) {
            return;
        }
        flushQueued = true;
        executor.execute(this::flushNow);
    }

    /** Hands every peer's collected output to the I/O layer. */
    private void flushNow() {
        flushQueued = false;
        if (outgoing.isEmpty()) {
            return;
        }
        for (Map.Entry<PeerId, Outgoing> e : outgoing.entrySet()) {
            PeerState p = peers.get(e.getKey());
            if (p == null) {
                continue;
            }
            Rpc rpc = e.getValue().toRpc(p.protocol);
            if (!rpc.isEmpty()) {
                io.send(e.getKey(), rpc);
            }
        }
        outgoing.clear();
    }

    /** Output collected for one peer during one entry point. */
    private static final class Outgoing {
        final List<SubOpts> subscriptions = new ArrayList<>();
        final List<RpcMessage> messages = new ArrayList<>();
        final List<IHave> ihave = new ArrayList<>();
        final List<MessageId> iwant = new ArrayList<>();
        final List<Graft> graft = new ArrayList<>();
        final List<Prune> prune = new ArrayList<>();
        final List<MessageId> idontwant = new ArrayList<>();

        Rpc toRpc(PubSubProtocol protocol) {
            ControlMessage control = null;
            if (protocol.isGossip()) {
                control = new ControlMessage(ihave, iwant.isEmpty() ? List.of() : List.of(new IWant(iwant)), graft,
                        prune, idontwant.isEmpty() || !protocol.supportsIDontWant() ? List.of()
                                : List.of(new IDontWant(idontwant)));
            }
            return new Rpc(subscriptions, dedupe(messages), control);
        }

        private static List<RpcMessage> dedupe(List<RpcMessage> messages) {
            if (messages.size() < 2) {
                return messages;
            }
            Set<RpcMessage> unique = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            List<RpcMessage> out = new ArrayList<>(messages.size());
            for (RpcMessage m : messages) {
                if (unique.add(m)) {
                    out.add(m);
                }
            }
            return out;
        }
    }

    /** For tests: the peers in backoff for a topic. */
    Set<PeerId> backoffPeers(String topic) {
        return Set.copyOf(backoff.getOrDefault(topic, Map.of()).keySet());
    }
}
