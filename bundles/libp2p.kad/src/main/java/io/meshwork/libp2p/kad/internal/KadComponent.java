package io.meshwork.libp2p.kad.internal;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.nat.Reachability;
import io.meshwork.libp2p.api.nat.ReachabilityListener;
import io.meshwork.libp2p.api.nat.ReachabilityService;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.ContentRouting;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.RecordValidator;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.api.routing.ValueStore;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.engine.PublicKeyValidator;
import io.meshwork.libp2p.kad.internal.engine.Scheduler;
import io.meshwork.libp2p.kad.internal.engine.SignedRecordValidator;
import io.meshwork.libp2p.kad.internal.engine.Validators;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kademlia DHT on the host: the engine on its own thread, the stream handler while in server mode (registered
 * and unregistered as the mode changes, so identify advertises the protocol exactly then), a connection listener
 * that puts server-mode peers (identify lists the protocol) into the routing table, bootstrap and refresh. Offers
 * {@link PeerRouting}, {@link ContentRouting} and {@link ValueStore}. Deactivation unregisters everything and stops
 * the thread; operations still running fail.
 */
@Component(service = {PeerRouting.class, ContentRouting.class, ValueStore.class, KadComponent.class},
        immediate = true, configurationPid = KadComponent.PID)
@Designate(ocd = KadConfig.class)
public final class KadComponent implements PeerRouting, ContentRouting, ValueStore {

    public static final String PID = "io.meshwork.libp2p.kad";
    private static final Logger LOG = LoggerFactory.getLogger(KadComponent.class);
    /** When to look at identify's protocol list after a connection opens (ms). */
    private static final long[] IDENTIFY_CHECKS = {300, 2000, 8000};

    private final BundleContext context;
    private final Host host;
    private final KadConfig config;
    private final String protocol;
    private final String mode;
    private final ScheduledExecutorService thread;
    private final Validators validators = new Validators();
    private final KadEngine engine;
    private final List<Multiaddr> bootstrap;
    private final ServiceRegistration<ConnectionListener> listener;
    private final @Nullable ServiceRegistration<ReachabilityListener> reachabilityListener;
    private volatile @Nullable ReachabilityService reachability;
    private @Nullable ServiceRegistration<StreamHandler> handler; // guarded by this
    private volatile boolean closed;

    @Activate
    public KadComponent(BundleContext context, @Reference Host host, KadConfig config) {
        this.context = context;
        this.host = host;
        this.config = config;
        this.protocol = config.protocol_id();
        this.mode = config.mode().trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("auto", "server", "client").contains(mode)) {
            throw new IllegalArgumentException("DHT mode must be auto, server or client, not '" + config.mode() + "'");
        }
        this.bootstrap = parseBootstrap(config.bootstrap_nodes());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwork-kad");
            t.setDaemon(true);
            return t;
        });
        Scheduler scheduler = new ExecutorScheduler(thread);
        KadEngine.Config engineConfig = new KadEngine.Config(config.k(), config.alpha(), config.request_timeout_ms(),
                config.max_records(), config.max_record_bytes(), config.record_ttl_ms(), config.max_provider_records(),
                KadEngine.Config.MAX_PROVIDERS_PER_KEY, config.provider_ttl_ms(), config.refresh_interval_ms());
        validators.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
        validators.add(SignedRecord.NAMESPACE, new SignedRecordValidator());
        this.engine = new KadEngine(host.peerId(), engineConfig,
                new HostNetwork(host, protocol, config.request_timeout_ms(), thread), scheduler, validators,
                new SecureRandom());
        this.listener = context.registerService(ConnectionListener.class,
                serverPeerListener(host, protocol, engine, thread), new Hashtable<>());
        updateMode();
        scheduleQuietly(this::bootstrapAndRefresh, 0);
        thread.scheduleWithFixedDelay(this::bootstrapAndRefresh, config.refresh_interval_ms(),
                config.refresh_interval_ms(), TimeUnit.MILLISECONDS);
        // auto mode follows reachability: its change events, and a slow poll in case an event is missed
        if (mode.equals("auto")) {
            reachabilityListener = context.registerService(ReachabilityListener.class,
                    (previous, current) -> scheduleQuietly(this::updateMode, 0), new Hashtable<>());
            thread.scheduleWithFixedDelay(this::updateMode, 30, 30, TimeUnit.SECONDS);
        } else {
            reachabilityListener = null;
        }
        LOG.info("DHT {} in {} mode, {} bootstrap node(s)", protocol, mode, bootstrap.size());
    }

    private static List<Multiaddr> parseBootstrap(String[] nodes) {
        List<Multiaddr> out = new ArrayList<>();
        for (String s : nodes) {
            if (s.isBlank()) {
                continue;
            }
            Multiaddr a = Multiaddr.parse(s.trim());
            if (a.peerId().isEmpty()) {
                throw new IllegalArgumentException("bootstrap node " + s + " must end in /p2p/<peer-id>");
            }
            out.add(a);
        }
        return List.copyOf(out);
    }

    private void scheduleQuietly(Runnable task, long delayMs) {
        try {
            thread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * Puts peers into the routing table once identify shows they serve {@code protocol} (server mode): identify
     * runs right after a connection opens, so its protocol list is looked at a few times shortly after.
     */
    public static ConnectionListener serverPeerListener(Host host, String protocol, KadEngine engine,
            ScheduledExecutorService timer) {
        return new ConnectionListener() {
            @Override
            public void connected(Connection connection) {
                PeerId peer = connection.remotePeer();
                for (long delay : IDENTIFY_CHECKS) {
                    try {
                        timer.schedule(() -> {
                            if (host.peerStore().protocols(peer).contains(protocol)) {
                                engine.addServerPeer(peer);
                            }
                        }, delay, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        return; // stopping
                    }
                }
            }

            @Override
            public void disconnected(Connection connection) {
                // peers stay in the table while their addresses work; a failed request removes them
            }
        };
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindReachability(ReachabilityService service) {
        reachability = service;
        scheduleQuietly(this::updateMode, 0);
    }

    void unbindReachability(ReachabilityService service) {
        if (reachability == service) {
            reachability = null;
        }
        scheduleQuietly(this::updateMode, 0);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindValidator(RecordValidator validator, Map<String, Object> props) {
        Object ns = props.get(RecordValidator.NAMESPACE);
        if (ns instanceof String s && !s.isEmpty()) {
            validators.add(s, validator);
        } else {
            LOG.warn("RecordValidator {} has no {} property; ignored", validator, RecordValidator.NAMESPACE);
        }
    }

    void unbindValidator(RecordValidator validator, Map<String, Object> props) {
        Object ns = props.get(RecordValidator.NAMESPACE);
        if (ns instanceof String s) {
            validators.remove(s, validator);
            if (s.equals(PublicKeyValidator.NAMESPACE)) {
                validators.add(s, new PublicKeyValidator());
            } else if (s.equals(SignedRecord.NAMESPACE)) {
                validators.add(s, new SignedRecordValidator());
            }
        }
    }

    /** Whether the node should serve now. */
    boolean serving() {
        ReachabilityService r = reachability;
        return serving(mode, r == null ? null : r.reachability());
    }

    /** Server in server mode; in auto mode only while reachability is known to be public. */
    static boolean serving(String mode, @Nullable Reachability reachability) {
        return switch (mode) {
            case "server" -> true;
            case "client" -> false;
            default -> reachability == Reachability.PUBLIC;
        };
    }

    private synchronized void updateMode() {
        if (closed) {
            return;
        }
        boolean serve = serving();
        if (serve && handler == null) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(StreamHandler.PROTOCOL, protocol);
            handler = context.registerService(StreamHandler.class,
                    new KadHandler(engine, config.max_requests_per_stream()), props);
            LOG.info("DHT {}: server mode", protocol);
        } else if (!serve && handler != null) {
            unregister(handler);
            handler = null;
            LOG.info("DHT {}: client mode", protocol);
        }
    }

    private void bootstrapAndRefresh() {
        if (!closed) {
            refreshNow().whenComplete((v, e) -> {
                if (closed) {
                    return;
                }
                if (e != null) {
                    LOG.warn("DHT refresh failed: {}", e.getMessage());
                } else {
                    engine.storeSizes().thenAccept(sizes -> {
                        if (sizes[0] == 0 && !bootstrap.isEmpty()) {
                            LOG.warn("DHT routing table is empty after bootstrapping from {}", bootstrap);
                        } else {
                            LOG.debug("DHT refreshed: {} peers in the routing table", sizes[0]);
                        }
                    });
                }
            });
        }
    }

    /** Runs a bootstrap and refresh now (Gogo, tests); completes when the refresh is done. */
    public CompletableFuture<Void> refreshNow() {
        List<CompletableFuture<?>> dials = new ArrayList<>();
        for (Multiaddr a : bootstrap) {
            PeerId peer = a.peerId().orElseThrow();
            if (!peer.equals(host.peerId())) {
                dials.add(host.connect(a).toCompletableFuture().handle((c, e) -> {
                    if (e == null) {
                        engine.addServerPeer(peer);
                    } else {
                        LOG.warn("DHT bootstrap node {} unreachable: {}", a, e.getMessage());
                    }
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).thenCompose(v -> engine.refresh());
    }

    public KadEngine engine() {
        return engine;
    }

    public String protocol() {
        return protocol;
    }

    public boolean isServer() {
        synchronized (this) {
            return handler != null;
        }
    }

    // ------------------------------------------------------------------ services

    @Override
    public CompletionStage<List<Multiaddr>> findPeer(PeerId peer) {
        if (peer.equals(host.peerId())) {
            return CompletableFuture.completedFuture(host.listenAddresses());
        }
        return engine.findPeer(peer).thenApply(addrs -> {
            host.peerStore().addAddresses(peer, addrs, HostNetwork.ADDRESS_TTL);
            return addrs;
        });
    }

    @Override
    public CompletionStage<Integer> provide(byte[] key) {
        return engine.provide(key.clone());
    }

    @Override
    public CompletionStage<List<PeerInfo>> findProviders(byte[] key, int max) {
        if (max < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("max must be positive: " + max));
        }
        return engine.findProviders(key.clone(), max);
    }

    @Override
    public CompletionStage<Integer> put(byte[] key, byte[] value) {
        return engine.put(key.clone(), value.clone());
    }

    @Override
    public CompletionStage<byte[]> get(byte[] key, int quorum) {
        if (quorum < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("quorum must be positive: " + quorum));
        }
        return engine.get(key.clone(), quorum);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        synchronized (this) {
            if (handler != null) {
                unregister(handler);
                handler = null;
            }
        }
        unregister(listener);
        if (reachabilityListener != null) {
            unregister(reachabilityListener);
        }
        thread.shutdownNow();
        engine.close();
        LOG.info("DHT {} stopped", protocol);
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }
}
