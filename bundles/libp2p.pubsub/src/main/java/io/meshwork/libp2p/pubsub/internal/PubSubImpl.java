package io.meshwork.libp2p.pubsub.internal;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSub;
import io.meshwork.libp2p.api.pubsub.PubSubException;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.PubSubPeer;
import io.meshwork.libp2p.api.pubsub.PublishResult;
import io.meshwork.libp2p.api.pubsub.Subscription;
import io.meshwork.libp2p.api.pubsub.TopicListener;
import io.meshwork.libp2p.api.pubsub.TopicValidator;
import io.meshwork.libp2p.api.pubsub.ValidationResult;
import io.meshwork.libp2p.pubsub.internal.router.GossipRouter;
import io.meshwork.libp2p.pubsub.internal.router.PubSubProtocol;
import io.meshwork.libp2p.pubsub.internal.router.RouterConfig;
import io.meshwork.libp2p.pubsub.internal.router.RouterIo;
import io.meshwork.libp2p.pubsub.internal.router.RouterStats;
import io.meshwork.libp2p.pubsub.internal.rpc.Ed25519Verifier;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageIdFunction;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageSigning;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcCodec;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcLimits;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcMessage;
import io.meshwork.libp2p.pubsub.internal.score.PeerScore;
import io.meshwork.libp2p.pubsub.internal.score.PeerScoreParams;
import io.meshwork.libp2p.pubsub.internal.score.PeerScoreThresholds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PubSub} service: the {@link GossipRouter} on its own thread, fed by the host's pubsub streams.
 *
 * <p>Per connected peer there is one long-lived outbound stream (negotiated highest protocol first) that carries
 * everything we send, and the peer's inbound stream(s) that we read. A peer becomes a router peer when its first
 * pubsub stream is up and stops being one when its last connection closes.
 *
 * <p><b>Threading.</b> The router and all per-peer state live on one thread ({@code meshwork-pubsub}); stream
 * readers decode RPCs on the connection's event loop, check their signatures there (a batch of messages on the
 * verification threads {@code meshwork-pubsub-verify-*}, one per core by default) and hand them over in order. Local listeners are called on a second
 * thread ({@code meshwork-pubsub-delivery}), serially. Public methods are thread-safe and never block.
 *
 * <p><b>Bounds.</b> RPCs larger than {@code max_rpc_size} reset the stream; at most {@code peer_inbound_rpcs} RPCs per
 * peer wait for the router (then reading from that peer pauses); at most {@code peer_queue_bytes} are queued to a
 * peer (then RPCs to it are dropped, counted and logged); at most {@code delivery_queue} messages wait for local
 * listeners.
 */
@Component(service = {PubSub.class, StreamHandler.class, ConnectionListener.class}, immediate = true,
        configurationPid = PubSubImpl.PID,
        property = {
            StreamHandler.PROTOCOL + "=/meshsub/1.2.0",
            StreamHandler.PROTOCOL + "=/meshsub/1.1.0",
            StreamHandler.PROTOCOL + "=/meshsub/1.0.0",
            StreamHandler.PROTOCOL + "=/floodsub/1.0.0",
            StreamHandler.ALLOW_LIMITED + ":Boolean=true"
        })
@Designate(ocd = PubSubConfig.class)
public final class PubSubImpl implements PubSub, StreamHandler, ConnectionListener, AutoCloseable {

    public static final String PID = "io.meshwork.libp2p.pubsub";
    /** The protocols served, highest first. */
    public static final String[] PROTOCOLS = PubSubProtocol.ALL_IDS.toArray(String[]::new);

    private static final Logger LOG = LoggerFactory.getLogger(PubSubImpl.class);
    private static final long DROP_LOG_INTERVAL_MS = 10_000;

    private final Host host;
    private final PubSubConfig config;
    private final RpcLimits limits;
    private final List<String> outboundProtocols;
    /** The router's one thread; it runs the timers and {@link #routerExecutor}'s drains. */
    private final ScheduledExecutorService executor;
    /** Every task for the router goes through here (in order, batched hand-offs). */
    private final RouterExecutor routerExecutor;
    private final ThreadPoolExecutor delivery;
    private final GossipRouter router;
    private final ThreadPoolExecutor verifier;
    /** Fewest signatures an RPC's batch hands to a verification thread (see verifyAhead). */
    private static final int MIN_VERIFY_SLICE = 3;
    /** Most deliveries handed to the delivery thread in one task. */
    private static final int DELIVERY_BATCH = 64;
    /** Deliveries collected by the router, not yet handed over (router thread only). */
    private final List<Runnable> deliveries = new ArrayList<>();
    /** Whether a hand-over is queued on the router (router thread only). */
    private boolean deliveriesQueued;
    /** Messages handed to the delivery thread and not yet delivered. */
    private final AtomicInteger deliveriesWaiting = new AtomicInteger();
    private final int deliveryQueue;
    private final int verifyThreads;
    /** Configuration read on every message, copied out of the (proxied) configuration once. */
    private final int maxTopicLength;
    private final int maxPendingPublishes;
    private final int maxRpcSize;
    private final int peerInboundRpcs;
    private final int rpcBatchBytes;
    private final int peerQueueBytes;

    /** Sequence numbers of our messages; like go, they start at the Unix time in nanoseconds at activation. */
    private final AtomicLong seqnos;
    /** Checks Ed25519 message signatures, with precomputed tables for frequent authors. */
    private final Ed25519Verifier ed25519;
    private final MessageIdFunction signedIds;
    private final Set<String> unsignedTopics;
    private final AtomicBoolean closed = new AtomicBoolean();

    // router thread only
    private final Map<PeerId, PeerLink> links = new HashMap<>();
    // any thread
    private final Map<String, CopyOnWriteArrayList<SubscriptionImpl>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, CopyOnWriteArrayList<TopicValidator>> validators = new ConcurrentHashMap<>();
    private final Map<TopicListener, List<Subscription>> whiteboardListeners = new ConcurrentHashMap<>();
    private final Map<TopicValidator, List<AutoCloseable>> whiteboardValidators = new ConcurrentHashMap<>();
    private final AtomicInteger pendingPublishes = new AtomicInteger();
    private final AtomicLong sendDropped = new AtomicLong();
    /** RPCs decoded from peers, RPCs encoded for peers, and the stream writes that carried the latter. */
    private final AtomicLong rpcsReceived = new AtomicLong();
    private final AtomicLong rpcsSent = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong deliveryDropped = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong();

    @Activate
    public PubSubImpl(@Reference Host host, @Reference HostIdentity identity, PubSubConfig config) {
        this(host, identity, config, Clock.systemUTC());
    }

    PubSubImpl(Host host, HostIdentity identity, PubSubConfig config, Clock clock) {
        this.maxTopicLength = config.max_topic_length();
        this.deliveryQueue = config.delivery_queue();
        this.maxPendingPublishes = config.max_pending_publishes();
        this.maxRpcSize = config.max_rpc_size();
        this.peerInboundRpcs = config.peer_inbound_rpcs();
        this.rpcBatchBytes = config.rpc_batch_bytes();
        this.peerQueueBytes = config.peer_queue_bytes();
        this.host = host;
        this.config = config;
        RpcLimits d = RpcLimits.DEFAULTS;
        this.limits = new RpcLimits(d.maxSubscriptions(), d.maxMessages(), d.maxControlEntries(), d.maxIHaveEntries(),
                d.maxIWantIds(), d.maxIDontWantIds(), d.maxPeersPerPrune(), maxTopicLength,
                d.maxMessageIdLength());
        this.outboundProtocols = config.floodsub_only() ? List.of(PubSubProtocol.FLOODSUB.id())
                : PubSubProtocol.ALL_IDS;
        RouterConfig routerConfig = routerConfig(config);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwork-pubsub");
            t.setDaemon(true);
            return t;
        });
        this.routerExecutor = new RouterExecutor(executor);
        this.delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(deliveryQueue), r -> {
                    Thread t = new Thread(r, "meshwork-pubsub-delivery");
                    t.setDaemon(true);
                    return t;
                });
        this.verifyThreads = config.verify_threads() > 0 ? config.verify_threads()
                : Runtime.getRuntime().availableProcessors();
        AtomicInteger verifierIds = new AtomicInteger();
        this.verifier = new ThreadPoolExecutor(verifyThreads, verifyThreads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(64 * 1024), r -> {
                    Thread t = new Thread(r, "meshwork-pubsub-verify-" + verifierIds.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.signedIds = MessageIdFunction.fromName(config.message_id());
        this.ed25519 = new Ed25519Verifier(Math.max(0, config.signature_key_tables()));
        this.seqnos = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(clock.millis()));
        this.unsignedTopics = Set.of(config.strict_no_sign_topics());
        PeerScore score = config.scoring() ? new PeerScore(PeerScoreParams.chatDefaults(), clock) : null;
        this.router = new GossipRouter(routerConfig, identity, clock, new Io(), routerExecutor, new SecureRandom(),
                score, PeerScoreThresholds.chatDefaults(), signedIds, unsignedTopics, ed25519);
        executor.scheduleAtFixedRate(this::heartbeat, config.heartbeat_initial_delay_ms(),
                config.heartbeat_interval_ms(), TimeUnit.MILLISECONDS);
        // peers connected before we started
        for (Connection c : host.connections()) {
            connected(c);
        }
        LOG.info("PubSub started: GossipSub {} with floodsub fallback, D={} ({}..{}), scoring {}",
                config.floodsub_only() ? "off (floodsub only)" : "v1.2/v1.1/v1.0", config.d(), config.d_lo(),
                config.d_hi(), config.scoring() ? "on" : "off");
    }

    static RouterConfig routerConfig(PubSubConfig c) {
        Set<PeerId> direct = Arrays.stream(c.direct_peers()).map(String::trim).filter(s -> !s.isEmpty())
                .map(PeerId::parse).collect(Collectors.toSet());
        return new RouterConfig(c.d(), c.d_lo(), c.d_hi(), c.d_score(), c.d_out(), c.d_lazy(), c.gossip_factor(),
                Duration.ofMillis(c.heartbeat_interval_ms()), Duration.ofSeconds(c.fanout_ttl_s()), c.mcache_len(),
                c.mcache_gossip(), Duration.ofSeconds(c.seen_ttl_s()), c.seen_cache_max(),
                Duration.ofSeconds(c.prune_backoff_s()), Duration.ofSeconds(c.unsubscribe_backoff_s()),
                Duration.ofMillis(c.heartbeat_interval_ms()), c.prune_peers(), c.flood_publish(),
                c.idontwant_threshold(), c.idontwant_max_ids(), c.max_message_size(), c.max_ihave_length(),
                c.max_ihave_messages(), Duration.ofMillis(c.iwant_followup_ms()), c.gossip_retransmission(),
                Duration.ofMillis(c.graft_flood_threshold_ms()), c.opportunistic_graft_ticks(),
                c.opportunistic_graft_peers(), direct, c.direct_connect_ticks(), c.max_pending_validations(),
                Duration.ofMillis(c.validation_timeout_ms()), c.mcache_max(), c.max_topics_per_peer(),
                c.floodsub_only());
    }

    private void heartbeat() {
        try {
            router.heartbeat();
        } catch (RuntimeException e) {
            LOG.error("PubSub heartbeat failed; the next one runs as scheduled", e);
        }
    }

    /**
     * Hands the deliveries the router collected to the delivery thread in one task (router thread): queued behind
     * the router's waiting work, so a burst costs one thread hand-off per batch rather than per message, and right
     * after the current task when the router is idle, so a lone message waits for nothing.
     */
    private void handOverDeliveries() {
        deliveriesQueued = false;
        if (deliveries.isEmpty()) {
            return;
        }
        List<Runnable> batch = new ArrayList<>(deliveries);
        deliveries.clear();
        deliveriesWaiting.addAndGet(batch.size());
        try {
            delivery.execute(() -> {
                for (Runnable r : batch) {
                    deliveriesWaiting.decrementAndGet();
                    r.run();
                }
            });
        } catch (RejectedExecutionException e) {
            deliveriesWaiting.addAndGet(-batch.size());
            deliveryDropped(batch.size());
        }
    }

    private void deliveryDropped(int count) {
        long n = deliveryDropped.addAndGet(count);
        if (n == count || n / 1000 != (n - count) / 1000) {
            LOG.warn("PubSub delivery queue is full (delivery_queue={}): {} messages dropped so far;"
                    + " a listener is too slow", deliveryQueue, n);
        }
    }

    /** Runs {@code task} on the router thread, unless shut down (package-private for tests that hold the router). */
    void onRouter(Runnable task) {
        try {
            routerExecutor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("PubSub router task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("PubSub is stopped; task dropped");
        }
    }

    // ------------------------------------------------------------------ PubSub

    @Override
    public Subscription subscribe(String topic, TopicListener listener) {
        checkTopic(topic);
        SubscriptionImpl sub = new SubscriptionImpl(topic, listener);
        CopyOnWriteArrayList<SubscriptionImpl> list = subscriptions.computeIfAbsent(topic,
                t -> new CopyOnWriteArrayList<>());
        list.add(sub);
        onRouter(() -> router.join(topic));
        return sub;
    }

    private void checkTopic(String topic) {
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        int length = topic.getBytes(StandardCharsets.UTF_8).length;
        if (length > maxTopicLength) {
            throw new IllegalArgumentException("topic of " + length + " bytes is longer than the limit of "
                    + maxTopicLength + " bytes (max_topic_length)");
        }
    }

    @Override
    public CompletionStage<PublishResult> publish(String topic, byte[] data) {
        checkTopic(topic);
        if (closed.get()) {
            return CompletableFuture.failedFuture(new PubSubException("pubsub is stopped"));
        }
        if (pendingPublishes.incrementAndGet() > maxPendingPublishes) {
            pendingPublishes.decrementAndGet();
            return CompletableFuture.failedFuture(new PubSubException(maxPendingPublishes
                    + " publications are already waiting for the router (max_pending_publishes); wait for some"
                    + " to complete"));
        }
        PubSubException tooLarge = router.sizeError(data.length);
        if (tooLarge != null) {
            pendingPublishes.decrementAndGet();
            return CompletableFuture.failedFuture(tooLarge);
        }
        // signed here, on the caller's thread: signing is most of a publication's cost, and the router's one
        // thread is then free to route (the seqno counter is ours, so that the router need not hand one out)
        RpcMessage message = router.prepare(topic, data, seqnos.incrementAndGet());
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        try {
            routerExecutor.execute(() -> {
                pendingPublishes.decrementAndGet();
                router.publishPrepared(message).whenComplete((r, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(r);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            pendingPublishes.decrementAndGet();
            result.completeExceptionally(new PubSubException("pubsub is stopped"));
        }
        return result;
    }

    @Override
    public AutoCloseable addValidator(String topic, TopicValidator validator) {
        checkTopic(topic);
        CopyOnWriteArrayList<TopicValidator> list = validators.computeIfAbsent(topic,
                t -> new CopyOnWriteArrayList<>());
        list.add(validator);
        return () -> list.remove(validator);
    }

    @Override
    public Set<String> topics() {
        return call(router::subscriptions, Set.of());
    }

    @Override
    public List<PeerId> peers(String topic) {
        return call(() -> router.topicPeers(topic), List.of());
    }

    @Override
    public List<PubSubPeer> peers() {
        return call(router::peerInfos, List.of());
    }

    /** Router counters plus the adapter's drop counters, for the shell. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        RouterStats s = call(router::stats, null);
        if (s != null) {
            for (var component : RouterStats.class.getRecordComponents()) {
                try {
                    out.put(component.getName(), component.getAccessor().invoke(s));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        out.put("rpcsReceived", rpcsReceived.get());
        out.put("rpcsSent", rpcsSent.get());
        out.put("streamWrites", writes.get());
        out.put("sendDropped", sendDropped.get());
        out.put("deliveryDropped", deliveryDropped.get());
        out.put("sigChecksKeyTable", ed25519.tableHits());
        out.put("sigChecksPlain", ed25519.tableMisses());
        out.put("sigKeyTablesBuilt", ed25519.tablesBuilt());
        return out;
    }

    /** Peers in this node's mesh for {@code topic}. */
    public Set<PeerId> meshPeers(String topic) {
        return call(() -> router.meshPeers(topic), Set.of());
    }

    private <T> T call(java.util.concurrent.Callable<T> query, T whenStopped) {
        try {
            FutureTask<T> task = new FutureTask<>(query);
            routerExecutor.execute(task);
            return task.get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            return whenStopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return whenStopped;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("pubsub router did not answer: " + e, e);
        }
    }

    // ------------------------------------------------------------------ whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTopicListener(TopicListener listener, Map<String, Object> props) {
        List<Subscription> subs = new ArrayList<>();
        for (String topic : topicsOf(props, listener)) {
            subs.add(subscribe(topic, listener));
        }
        whiteboardListeners.put(listener, subs);
    }

    void unbindTopicListener(TopicListener listener) {
        List<Subscription> subs = whiteboardListeners.remove(listener);
        if (subs != null) {
            subs.forEach(Subscription::close);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTopicValidator(TopicValidator validator, Map<String, Object> props) {
        List<AutoCloseable> handles = new ArrayList<>();
        for (String topic : topicsOf(props, validator)) {
            handles.add(addValidator(topic, validator));
        }
        whiteboardValidators.put(validator, handles);
    }

    void unbindTopicValidator(TopicValidator validator) {
        List<AutoCloseable> handles = whiteboardValidators.remove(validator);
        if (handles != null) {
            for (AutoCloseable h : handles) {
                try {
                    h.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static List<String> topicsOf(Map<String, Object> props, Object service) {
        Object value = props.get(TOPIC);
        List<String> topics = new ArrayList<>();
        if (value instanceof String s) {
            topics.add(s);
        } else if (value instanceof String[] a) {
            topics.addAll(Arrays.asList(a));
        } else if (value instanceof java.util.Collection<?> c) {
            c.forEach(o -> topics.add(String.valueOf(o)));
        }
        if (topics.isEmpty()) {
            LOG.warn("{} is registered without the {} property; it gets no messages", service, TOPIC);
        }
        return topics;
    }

    // ------------------------------------------------------------------ streams and connections

    /** What we hold per connected pubsub peer (router thread only). */
    private static final class PeerLink {
        final PeerId peer;
        @Nullable Stream outbound;
        boolean opening;
        int openFailures;
        final List<Stream> inbound = new ArrayList<>(1);
        /** Framed RPCs waiting for the outbound stream. */
        final List<ByteBuffer> pending = new ArrayList<>();
        /** The bytes in {@link #pending}. */
        long pendingBytes;
        /** RPCs waiting for {@link #outbound} to take the write in flight, not yet encoded. */
        final List<Rpc> batch = new ArrayList<>();
        /** Their encoded size (without framing). */
        long batchBytes;
        /** Writes to {@link #outbound} not yet taken by it; a new one with every stream. */
        Outflow outflow = new Outflow();
        final AtomicInteger inboundRpcs = new AtomicInteger();
        boolean routerPeer;

        PeerLink(PeerId peer) {
            this.peer = peer;
        }

        /** Bytes on their way to the peer: written and not yet taken, waiting for the stream, or batched. */
        long queuedBytes() {
            return outflow.bytes.get() + pendingBytes + batchBytes;
        }
    }

    /**
     * The writes one outbound stream has not yet taken. Their completions update it on the stream's thread and
     * call the router only when RPCs wait for them ({@link #held}, set by the router before it looks at
     * {@link #writes}; the completion lowers {@link #writes} before it looks at {@link #held}, so one of the two
     * always flushes). Most completions under load find nothing held: they used to wake the router each.
     */
    private static final class Outflow {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        volatile boolean held;
    }

    @Override
    public void connected(Connection connection) {
        onRouter(() -> {
            PeerLink link = links.computeIfAbsent(connection.remotePeer(), PeerLink::new);
            openOutbound(link, connection);
        });
    }

    private void openOutbound(PeerLink link, Connection connection) {
        if (link.outbound != null || link.opening || closed.get() || !connection.isOpen()) {
            return;
        }
        link.opening = true;
        connection.newStream(outboundProtocols).whenComplete((stream, error) -> onRouter(() -> {
            link.opening = false;
            if (links.get(link.peer) != link || closed.get()) {
                if (stream != null) {
                    stream.reset();
                }
                return;
            }
            if (error != null) {
                link.openFailures++;
                LOG.debug("No pubsub stream to {}: {}", link.peer, error.toString());
                if (link.inbound.isEmpty() && !link.routerPeer) {
                    link.pending.clear();
                    link.pendingBytes = 0;
                }
                return;
            }
            link.outbound = stream;
            stream.setReader(new io.meshwork.libp2p.api.io.DuplexReader() {
                @Override
                public void onData(ByteBuffer data) {
                    // the remote never writes on our outbound stream; ignore anything it sends
                }

                @Override
                public void onClose(@Nullable Throwable cause) {
                    onRouter(() -> outboundClosed(link, stream, cause));
                }
            });
            PubSubProtocol protocol = PubSubProtocol.fromId(stream.protocol());
            router.addPeer(link.peer, protocol == null ? PubSubProtocol.FLOODSUB : protocol,
                    connection.direction() == Direction.OUTBOUND, ipOf(connection.remoteAddress()));
            link.routerPeer = true;
            link.outflow = new Outflow();
            for (ByteBuffer frame : link.pending) {
                write(link, stream, frame);
            }
            link.pending.clear();
            link.pendingBytes = 0;
            flush(link);
        }));
    }

    private void outboundClosed(PeerLink link, Stream stream, @Nullable Throwable cause) {
        if (link.outbound != stream) {
            return;
        }
        detachOutbound(link);
        if (links.get(link.peer) != link || closed.get()) {
            return;
        }
        flush(link); // a batch waiting for the stream's last write goes to pending
        LOG.debug("Pubsub stream to {} closed{}", link.peer, cause == null ? "" : ": " + cause);
        // reopen on a remaining connection (at most a few times, so a peer that keeps resetting is given up)
        List<Connection> conns = host.connections(link.peer);
        if (!conns.isEmpty() && link.openFailures < 3) {
            link.openFailures++;
            openOutbound(link, conns.get(0));
        } else if (conns.isEmpty()) {
            dropPeer(link);
        }
    }

    /** Forgets the outbound stream and what it had not yet taken (its writes fail with it). */
    private static void detachOutbound(PeerLink link) {
        link.outbound = null;
        link.outflow = new Outflow();
    }

    @Override
    public void disconnected(Connection connection) {
        onRouter(() -> {
            PeerLink link = links.get(connection.remotePeer());
            if (link == null) {
                return;
            }
            List<Connection> remaining = host.connections(connection.remotePeer()).stream()
                    .filter(c -> c != connection && c.isOpen()).toList();
            if (remaining.isEmpty()) {
                dropPeer(link);
            } else if (link.outbound != null && link.outbound.connection() == connection) {
                detachOutbound(link);
                flush(link);
                openOutbound(link, remaining.get(0));
            }
        });
    }

    private void dropPeer(PeerLink link) {
        links.remove(link.peer);
        if (link.outbound != null) {
            link.outbound.reset();
        }
        link.inbound.forEach(Stream::reset);
        if (link.routerPeer) {
            router.removePeer(link.peer);
        }
    }

    @Override
    public void handle(Stream stream) {
        PeerId peer = stream.connection().remotePeer();
        PeerLink[] holder = new PeerLink[1];
        stream.pauseReading();
        onRouter(() -> {
            if (closed.get()) {
                stream.reset();
                return;
            }
            PeerLink link = links.computeIfAbsent(peer, PeerLink::new);
            holder[0] = link;
            link.inbound.add(stream);
            if (!link.routerPeer) {
                PubSubProtocol protocol = PubSubProtocol.fromId(stream.protocol());
                router.addPeer(peer, protocol == null ? PubSubProtocol.FLOODSUB : protocol,
                        stream.connection().direction() == Direction.OUTBOUND,
                        ipOf(stream.connection().remoteAddress()));
                link.routerPeer = true;
            }
            if (link.outbound == null && !link.opening) {
                openOutbound(link, stream.connection());
            }
            stream.setReader(new VarintFrames.Reader(maxRpcSize, new RpcReader(link, stream)));
            stream.resumeReading();
        });
    }

    /** Decodes a peer's RPCs on the stream's thread and hands them to the router, pausing when it lags. */
    private final class RpcReader implements VarintFrames.MessageHandler {
        private final PeerLink link;
        private final Stream stream;
        /** Completes when the previous RPC of this stream has been handed to the router. */
        private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);

        RpcReader(PeerLink link, Stream stream) {
            this.link = link;
            this.stream = stream;
        }

        @Override
        public void onMessage(ByteBuffer message) {
            Rpc rpc;
            if (message.hasArray()) {
                rpc = RpcCodec.decode(message.array(), message.arrayOffset() + message.position(),
                        message.remaining(), limits);
            } else {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                rpc = RpcCodec.decode(bytes, limits);
            }
            rpcsReceived.incrementAndGet();
            if (link.inboundRpcs.incrementAndGet() >= peerInboundRpcs) {
                stream.pauseReading();
            }
            Map<RpcMessage, String> checked = new IdentityHashMap<>();
            CompletableFuture<Void> verified = verifyAhead(rpc, checked);
            // RPCs of one stream reach the router in order, each once its signatures are checked
            chain = chain.thenCompose(x -> verified).whenComplete((x, e) -> onRouter(() -> {
                if (link.inboundRpcs.getAndDecrement() >= peerInboundRpcs) {
                    stream.resumeReading();
                }
                router.handleRpc(link.peer, rpc, checked);
            }));
        }

        @Override
        public void onEnd() {
            stream.close();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (cause != null && !(cause instanceof io.meshwork.libp2p.api.io.StreamResetException)) {
                LOG.info("Closed the pubsub stream from {}: {}", link.peer, cause.getMessage());
            }
            onRouter(() -> link.inbound.remove(stream));
        }
    }

    /**
     * Verifies the signatures of the RPC's signed messages ahead of the router, so that verifying (the main cost of
     * a message) runs beside the router's one thread: a single message right here on the stream's thread (no
     * extra hop for latency-sensitive traffic), several (a batch) spread over the verification threads. Messages
     * the router has seen already are skipped (it drops them as duplicates without verifying). Results go into
     * {@code checked} ({@link GossipRouter#SIGNATURE_OK} or the reason); the stage completes when all are done.
     */
    private CompletableFuture<Void> verifyAhead(Rpc rpc, Map<RpcMessage, String> checked) {
        java.util.function.Predicate<MessageId> seen = router.seenHint();
        List<RpcMessage> toVerify = new ArrayList<>(rpc.publish().size());
        for (RpcMessage m : rpc.publish()) {
            if (m.topic() != null && !unsignedTopics.contains(m.topic()) && m.signature() != null
                    && !seen.test(signedIds.apply(m))) {
                toVerify.add(m);
            }
        }
        // one contiguous slice per verification thread, the first verified right here: a task per message cost
        // more in thread hand-offs than the slices lose in balance (all messages cost about the same); a slice
        // is at least MIN_VERIFY_SLICE messages, as a hand-off (a thread woken, a future completed) costs about
        // what a verification does and buys nothing when the cores are busy anyway, which they are whenever
        // RPCs come in batches
        int tasks = Math.min(verifyThreads, (toVerify.size() + MIN_VERIFY_SLICE - 1) / MIN_VERIFY_SLICE);
        if (tasks <= 1) {
            verifyAll(toVerify, checked);
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>(tasks);
        for (int t = 1; t < tasks; t++) {
            List<RpcMessage> slice = toVerify.subList(t * toVerify.size() / tasks,
                    (t + 1) * toVerify.size() / tasks);
            try {
                pending.add(CompletableFuture.runAsync(() -> verifyAll(slice, checked), verifier));
            } catch (RejectedExecutionException e) {
                break; // stopping, or the pool is saturated: the router verifies the rest itself
            }
        }
        verifyAll(toVerify.subList(0, toVerify.size() / tasks), checked);
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /** Verifies {@code messages}, recording each verdict in {@code checked}. */
    private void verifyAll(List<RpcMessage> messages, Map<RpcMessage, String> checked) {
        for (RpcMessage m : messages) {
            String error = MessageSigning.verify(m, ed25519);
            synchronized (checked) {
                checked.put(m, error == null ? GossipRouter.SIGNATURE_OK : error);
            }
        }
    }

    private static @Nullable String ipOf(Multiaddr address) {
        return address.valueOf(Protocol.IP4).or(() -> address.valueOf(Protocol.IP6)).orElse(null);
    }

    // ------------------------------------------------------------------ output

    /**
     * Sends {@code rpc} to {@code peer} (router thread). The router already hands over one RPC per peer for all the
     * work it had queued ({@link GossipRouter}'s flush); on top of that, while the peer's stream has not yet taken
     * the previous write, RPCs wait and leave together as soon as it has. Under load a burst therefore costs one
     * write, one muxer frame and one encryption per batch rather than per message, and consecutive RPCs that carry
     * only messages are merged into one RPC, which the receiver verifies in parallel and routes in one task. A lone
     * RPC waits for nothing: the stream has taken earlier writes long before.
     */
    private void send(PeerId peer, Rpc rpc) {
        PeerLink link = links.get(peer);
        if (link == null) {
            return;
        }
        int size = RpcCodec.encodedSize(rpc);
        long queued = link.queuedBytes();
        // one RPC may exceed the bound when nothing is queued, so a large message is never stuck
        if (queued > 0 && queued + size > peerQueueBytes) {
            dropped(peer, size);
            return;
        }
        link.batch.add(rpc);
        link.batchBytes += size;
        // a full RPC's worth is not held back either
        if (link.outbound == null || link.batchBytes >= rpcBatchBytes) {
            flush(link);
            return;
        }
        Outflow outflow = link.outflow;
        outflow.held = true;
        if (outflow.writes.get() == 0) {
            flush(link);
        }
    }

    /**
     * Encodes {@code link}'s batch into one buffer of framed RPCs and writes it. Runs of RPCs with nothing but
     * messages become one RPC (cut at {@code rpc_batch_bytes} and {@link RpcSplitter#MAX_MESSAGES}); an RPC with
     * subscriptions or control stays on its own, so the receiver sees every change in the order it was made.
     */
    private void flush(PeerLink link) {
        if (link.batch.isEmpty()) {
            return;
        }
        List<Rpc> rpcs = mergeMessageRuns(link.batch);
        link.batch.clear();
        link.batchBytes = 0;
        link.outflow.held = false;
        if (links.get(link.peer) != link) {
            return; // dropped meanwhile
        }
        List<byte[]> encoded = new ArrayList<>(rpcs.size());
        int total = 0;
        for (Rpc rpc : rpcs) {
            for (byte[] e : RpcSplitter.encode(rpc, rpcBatchBytes)) {
                encoded.add(e);
                total += Varint.encodedLength(e.length) + e.length;
            }
        }
        rpcsSent.addAndGet(encoded.size());
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] e : encoded) {
            at += Varint.write(e.length, out, at);
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        ByteBuffer frames = ByteBuffer.wrap(out);
        if (link.outbound == null) {
            link.pendingBytes += total;
            link.pending.add(frames);
        } else {
            write(link, link.outbound, frames);
        }
    }

    /** {@code rpcs} with every run of message-only RPCs merged into one; other RPCs keep their place. */
    static List<Rpc> mergeMessageRuns(List<Rpc> rpcs) {
        if (rpcs.size() == 1) {
            return List.of(rpcs.get(0));
        }
        List<Rpc> out = new ArrayList<>(rpcs.size());
        List<RpcMessage> run = new ArrayList<>();
        for (Rpc rpc : rpcs) {
            if (rpc.subscriptions().isEmpty() && rpc.control() == null) {
                run.addAll(rpc.publish());
                continue;
            }
            if (!run.isEmpty()) {
                out.add(new Rpc(List.of(), run, null));
                run = new ArrayList<>();
            }
            out.add(rpc);
        }
        if (!run.isEmpty()) {
            out.add(new Rpc(List.of(), run, null));
        }
        return out;
    }

    private void write(PeerLink link, Stream stream, ByteBuffer frame) {
        int size = frame.remaining();
        Outflow outflow = link.outflow;
        outflow.bytes.addAndGet(size);
        outflow.writes.incrementAndGet();
        writes.incrementAndGet();
        stream.write(frame).whenComplete((v, e) -> {
            outflow.bytes.addAndGet(-size);
            if (outflow.writes.decrementAndGet() == 0 && outflow.held) {
                onRouter(() -> {
                    if (link.outflow == outflow && outflow.writes.get() == 0) {
                        flush(link);
                    }
                });
            }
        });
    }

    private void dropped(PeerId peer, int bytes) {
        long n = sendDropped.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastDropLog.get();
        if (now - last > DROP_LOG_INTERVAL_MS && lastDropLog.compareAndSet(last, now)) {
            LOG.warn("PubSub send queue to {} is full ({} bytes, peer_queue_bytes): dropped an RPC of {} bytes"
                    + " ({} dropped so far)", peer, peerQueueBytes, bytes, n);
        }
    }

    private final class Io implements RouterIo {
        @Override
        public void send(PeerId peer, Rpc rpc) {
            PubSubImpl.this.send(peer, rpc);
        }

        @Override
        public void deliver(PubSubMessage message) {
            List<SubscriptionImpl> subs = subscriptions.get(message.topic());
            if (subs == null || subs.isEmpty()) {
                return;
            }
            if (deliveriesWaiting.get() + deliveries.size() >= deliveryQueue) {
                deliveryDropped(1);
                return;
            }
            deliveries.add(() -> {
                for (SubscriptionImpl s : subs) {
                    s.deliver(message);
                }
            });
            if (deliveries.size() >= DELIVERY_BATCH) {
                handOverDeliveries();
            } else if (!deliveriesQueued) {
                deliveriesQueued = true;
                routerExecutor.execute(PubSubImpl.this::handOverDeliveries);
            }
        }

        @Override
        public @Nullable CompletionStage<ValidationResult> validate(PubSubMessage message) {
            List<TopicValidator> list = validators.get(message.topic());
            if (list == null || list.isEmpty()) {
                return null;
            }
            List<CompletableFuture<ValidationResult>> verdicts = new ArrayList<>(list.size());
            for (TopicValidator v : list) {
                CompletableFuture<ValidationResult> f;
                try {
                    f = v.validate(message).toCompletableFuture();
                } catch (RuntimeException e) {
                    LOG.warn("Validator {} of '{}' threw; counted as REJECT", v, message.topic(), e);
                    f = CompletableFuture.completedFuture(ValidationResult.REJECT);
                }
                verdicts.add(f.exceptionally(e -> {
                    LOG.warn("Validator {} of '{}' failed; counted as REJECT: {}", v, message.topic(), e.toString());
                    return ValidationResult.REJECT;
                }));
            }
            return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new)).thenApply(x -> {
                ValidationResult combined = ValidationResult.ACCEPT;
                for (CompletableFuture<ValidationResult> f : verdicts) {
                    ValidationResult r = f.join();
                    if (r == ValidationResult.REJECT) {
                        return r;
                    }
                    if (r == ValidationResult.IGNORE) {
                        combined = r;
                    }
                }
                return combined;
            });
        }

        @Override
        public void connect(PeerId peer, byte @Nullable [] signedPeerRecord) {
            if (signedPeerRecord != null) {
                try {
                    host.peerStore().addPeerRecord(signedPeerRecord, Duration.ofMinutes(10));
                } catch (IllegalArgumentException e) {
                    LOG.debug("Ignoring a bad signed peer record for {} from peer exchange: {}", peer, e.getMessage());
                }
            }
            if (host.peerStore().addresses(peer).isEmpty()) {
                return;
            }
            host.connect(peer).whenComplete((c, e) -> {
                if (e != null) {
                    LOG.debug("Could not connect to {} (peer exchange / direct peer): {}", peer, e.toString());
                }
            });
        }

        @Override
        public byte @Nullable [] signedPeerRecord(PeerId peer) {
            return host.peerStore().peerRecord(peer).orElse(null);
        }
    }

    // ------------------------------------------------------------------ subscriptions

    private final class SubscriptionImpl implements Subscription {
        private final String topic;
        private final TopicListener listener;
        private final AtomicBoolean open = new AtomicBoolean(true);

        SubscriptionImpl(String topic, TopicListener listener) {
            this.topic = topic;
            this.listener = listener;
        }

        @Override
        public String topic() {
            return topic;
        }

        void deliver(PubSubMessage message) {
            if (!open.get()) {
                return;
            }
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                LOG.warn("Listener {} of '{}' threw on {}", listener, topic, message, e);
            }
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            CopyOnWriteArrayList<SubscriptionImpl> list = subscriptions.get(topic);
            if (list != null) {
                list.remove(this);
                onRouter(() -> {
                    if (list.isEmpty() && subscriptions.remove(topic, list)) {
                        router.leave(topic);
                    } else if (list.isEmpty()) {
                        subscriptions.remove(topic, list);
                    }
                });
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Deactivate
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            FutureTask<Void> leave = new FutureTask<>(() -> {
                for (String topic : router.subscriptions()) {
                    router.leave(topic); // tell the mesh, so peers rebuild it at once
                }
                for (PeerLink link : new ArrayList<>(links.values())) {
                    if (link.outbound != null) {
                        link.outbound.closeWrite();
                    }
                    link.inbound.forEach(Stream::reset);
                }
                links.clear();
            }, null);
            routerExecutor.execute(leave);
            leave.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("PubSub did not shut down cleanly: {}", e.toString());
        }
        executor.shutdownNow();
        verifier.shutdownNow();
        delivery.shutdown();
        try {
            if (!delivery.awaitTermination(2, TimeUnit.SECONDS)) {
                delivery.shutdownNow();
            }
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("PubSub stopped");
    }
}
