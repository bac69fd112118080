package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.DialException;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Libp2pException;
import io.meshwork.libp2p.api.host.PeerStore;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.SecureChannel;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import io.meshwork.libp2p.api.spi.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
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
 * The libp2p host. Assembles whatever transports, security channels, muxers and stream handlers are registered
 * (all dynamic: installing or stopping such a bundle takes effect at once) and names none of them.
 *
 * <p>Threading: host-level tables are concurrent; each connection's protocol work runs on that connection's
 * executor. A single timer thread per host instance runs timeouts and dial staggering; it is stopped on
 * deactivation together with every listener and connection.
 */
@Component(service = Host.class, configurationPid = HostImpl.PID, immediate = true)
@Designate(ocd = HostConfig.class)
public final class HostImpl implements Host {

    static final String PID = "io.meshwork.libp2p.core";
    private static final Logger LOG = LoggerFactory.getLogger(HostImpl.class);

    private final HostIdentity identity;
    private final HostConfig config;
    private final Negotiation negotiation;
    private final ScheduledExecutorService timer;
    private final PeerStoreImpl peerStore;
    private final Ranked<Transport> transports = new Ranked<>(Transport.PROTOCOL);
    private final Ranked<SecureChannel> security = new Ranked<>(Transport.PROTOCOL);
    private final Ranked<StreamMuxer> muxers = new Ranked<>(Transport.PROTOCOL);
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<ServiceReference<StreamHandler>, Map.Entry<StreamHandler, LazyService<StreamHandler>>>
            lazyHandlers = new ConcurrentHashMap<>();
    private final Map<ServiceReference<ConnectionListener>,
            Map.Entry<ConnectionListener, LazyService<ConnectionListener>>> lazyListeners = new ConcurrentHashMap<>();
    private final Map<ServiceReference<Transport>, Map.Entry<Transport, LazyService<Transport>>> lazyTransports =
            new ConcurrentHashMap<>();
    private final Object transportLock = new Object();
    /** Peer routing (the DHT), bound lazily: the DHT references this host (see LazyService). */
    private final Map<Object, java.util.function.Supplier<PeerRouting>> routers = new ConcurrentHashMap<>();
    private final Map<ServiceReference<PeerRouting>, LazyService<PeerRouting>> lazyRouters =
            new ConcurrentHashMap<>();
    private final Map<Transport, List<Transport.Listener>> listening = new ConcurrentHashMap<>();
    private final Map<String, ConnectionImpl> connections = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> dialing = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile boolean closed;

    @Activate
    public HostImpl(@Reference HostIdentity identity, HostConfig config) {
        this(identity, config, new MultistreamNegotiation(), Clock.systemUTC());
    }

    HostImpl(HostIdentity identity, HostConfig config, Negotiation negotiation, Clock clock) {
        this.identity = identity;
        this.config = config;
        this.negotiation = negotiation;
        this.peerStore = new PeerStoreImpl(clock, 10_000, 32);
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libp2p-host-timer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::prune, config.prune_interval_ms(), config.prune_interval_ms(),
                TimeUnit.MILLISECONDS);
        LOG.info("libp2p host {} starting", identity.peerId());
    }

    /**
     * Connection manager: above the low watermark, closes idle connections (no open streams, past the grace
     * period), oldest first, until the low watermark is reached. Busy connections are never pruned.
     */
    int prune() {
        int excess = connections.size() - config.low_watermark();
        if (excess <= 0 || closed) {
            return 0;
        }
        java.time.Instant cutoff = java.time.Instant.now().minusMillis(config.prune_grace_ms());
        List<ConnectionImpl> idle = connections.values().stream()
                .filter(c -> c.trackedStreams() == 0 && c.openedAt().isBefore(cutoff))
                .sorted(java.util.Comparator.comparing(ConnectionImpl::openedAt))
                .limit(excess).toList();
        idle.forEach(ConnectionImpl::close);
        if (!idle.isEmpty()) {
            LOG.debug("Pruned {} idle connection(s): {} open, low watermark {}", idle.size(), connections.size(),
                    config.low_watermark());
        }
        return idle.size();
    }

    // ------------------------------------------------------------------ whiteboard

    /*
     * Transports are bound like stream handlers (see LazyService): a transport that references the Host itself, as
     * the circuit relay transport does, would otherwise be a circular reference. Listening needs the service object,
     * so it starts on the timer thread, once this activation is over.
     */
    @Reference(service = Transport.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindTransportService(ComponentServiceObjects<Transport> objects, Map<String, Object> props) {
        LazyService<Transport> lazy = new LazyService<>(objects);
        Transport transport = LazyService.transport(lazy);
        lazyTransports.put(objects.getServiceReference(), Map.entry(transport, lazy));
        synchronized (transportLock) {
            transports.add(transport, props);
        }
        listenLater(transport, lazy, 0);
    }

    /**
     * Listens on {@code transport} from the timer thread. If the transport cannot be obtained yet (its component is
     * still waiting for this host to finish activating), tries again a few times, a second apart.
     */
    private void listenLater(Transport transport, LazyService<Transport> lazy, int attempt) {
        Runnable task = () -> {
            if (transports.entries().stream().noneMatch(e -> e.service() == transport)) {
                return; // unbound meanwhile
            }
            try {
                lazy.get();
            } catch (IllegalStateException e) {
                if (attempt < 10) {
                    listenLater(transport, lazy, attempt + 1);
                } else {
                    LOG.warn("{} did not become available; not listening on it: {}", transport, e.getMessage());
                }
                return;
            }
            synchronized (transportLock) {
                if (transports.entries().stream().anyMatch(e -> e.service() == transport)) {
                    listenOn(transport);
                }
            }
        };
        try {
            timer.schedule(task, attempt == 0 ? 0 : 1000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the host is stopping
        }
    }

    void unbindTransportService(ComponentServiceObjects<Transport> objects) {
        Map.Entry<Transport, LazyService<Transport>> bound = lazyTransports.remove(objects.getServiceReference());
        if (bound != null) {
            unbindTransport(bound.getKey());
            bound.getValue().release();
        }
    }

    /** Binds a transport object directly and listens at once (tests and benchmarks outside OSGi). */
    void bindTransport(Transport transport, Map<String, Object> props) {
        synchronized (transportLock) {
            transports.add(transport, props);
            listenOn(transport);
        }
    }

    void unbindTransport(Transport transport) {
        List<Transport.Listener> ls;
        synchronized (transportLock) {
            transports.remove(transport);
            ls = listening.remove(transport);
        }
        if (ls != null) {
            ls.forEach(Transport.Listener::close);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindSecureChannel(SecureChannel channel, Map<String, Object> props) {
        security.add(channel, props);
    }

    void unbindSecureChannel(SecureChannel channel) {
        security.remove(channel);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindMuxer(StreamMuxer muxer, Map<String, Object> props) {
        muxers.add(muxer, props);
    }

    void unbindMuxer(StreamMuxer muxer) {
        muxers.remove(muxer);
    }

    /*
     * Stream handlers and connection listeners are bound as ComponentServiceObjects and fetched on first use (see
     * LazyService for the circular reference this avoids). Outside OSGi, tests bind plain objects.
     */
    @Reference(service = StreamHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindHandlerService(ComponentServiceObjects<StreamHandler> objects, Map<String, Object> props) {
        LazyService<StreamHandler> lazy = new LazyService<>(objects);
        StreamHandler handler = LazyService.handler(lazy);
        lazyHandlers.put(objects.getServiceReference(), Map.entry(handler, lazy));
        bindHandler(handler, props);
    }

    void unbindHandlerService(ComponentServiceObjects<StreamHandler> objects) {
        Map.Entry<StreamHandler, LazyService<StreamHandler>> bound = lazyHandlers.remove(objects.getServiceReference());
        if (bound != null) {
            unbindHandler(bound.getKey());
            bound.getValue().release();
        }
    }

    @Reference(service = ConnectionListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindConnectionListenerService(ComponentServiceObjects<ConnectionListener> objects) {
        LazyService<ConnectionListener> lazy = new LazyService<>(objects);
        ConnectionListener listener = LazyService.listener(lazy);
        lazyListeners.put(objects.getServiceReference(), Map.entry(listener, lazy));
        bindConnectionListener(listener);
    }

    void unbindConnectionListenerService(ComponentServiceObjects<ConnectionListener> objects) {
        Map.Entry<ConnectionListener, LazyService<ConnectionListener>> bound =
                lazyListeners.remove(objects.getServiceReference());
        if (bound != null) {
            unbindConnectionListener(bound.getKey());
            bound.getValue().release();
        }
    }

    /*
     * PeerRouting (the DHT) finds addresses for peers the peer store does not know. It references this host, so it
     * is bound like the whiteboard services: its service object is fetched on the first dial that needs it.
     */
    @Reference(service = PeerRouting.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindPeerRoutingService(ComponentServiceObjects<PeerRouting> objects) {
        LazyService<PeerRouting> lazy = new LazyService<>(objects);
        lazyRouters.put(objects.getServiceReference(), lazy);
        routers.put(objects.getServiceReference(), lazy::get);
    }

    void unbindPeerRoutingService(ComponentServiceObjects<PeerRouting> objects) {
        routers.remove(objects.getServiceReference());
        LazyService<PeerRouting> lazy = lazyRouters.remove(objects.getServiceReference());
        if (lazy != null) {
            lazy.release();
        }
    }

    /** Binds a peer routing object directly (tests outside OSGi). */
    void bindPeerRouting(PeerRouting routing) {
        routers.put(routing, () -> routing);
    }

    void unbindPeerRouting(PeerRouting routing) {
        routers.remove(routing);
    }

    void bindHandler(StreamHandler handler, Map<String, Object> props) {
        handlers.add(handler, props);
    }

    void unbindHandler(StreamHandler handler) {
        handlers.remove(handler);
    }

    void bindConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    void unbindConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        listening.values().forEach(ls -> ls.forEach(Transport.Listener::close));
        listening.clear();
        connections.values().forEach(ConnectionImpl::close);
        dialing.values().forEach(f -> f.completeExceptionally(new DialException("host is stopping")));
        timer.shutdownNow();
        LOG.info("libp2p host {} stopped", identity.peerId());
    }

    // ------------------------------------------------------------------ listening

    private void listenOn(Transport transport) {
        if (closed) {
            return;
        }
        List<Transport.Listener> opened = new ArrayList<>();
        for (String text : config.listen_addresses()) {
            Multiaddr address;
            try {
                address = Multiaddr.parse(text.trim());
            } catch (IllegalArgumentException e) {
                LOG.error("Ignoring listen address '{}': {}", text, e.getMessage());
                continue;
            }
            if (!transport.canListen(address)) {
                continue;
            }
            try {
                Transport.Listener l = transport.listen(address, this::onInbound);
                opened.add(l);
                for (Multiaddr a : Addresses.expand(l.address())) {
                    if (a.has(io.meshwork.libp2p.api.multiaddr.Protocol.P2P_CIRCUIT)) {
                        LOG.info("Accepting relayed connections ({})", a);
                        continue;
                    }
                    LOG.info("Listening on {}", a.withPeerId(identity.peerId()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Cannot listen on {}: {}", address, e.getMessage());
            }
        }
        if (!opened.isEmpty()) {
            listening.merge(transport, opened, (a, b) -> {
                List<Transport.Listener> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
        }
    }

    @Override
    public PeerId peerId() {
        return identity.peerId();
    }

    @Override
    public List<Multiaddr> listenAddresses() {
        Set<Multiaddr> out = new LinkedHashSet<>();
        listening.values().forEach(ls -> ls.forEach(l -> l.addresses().forEach(a -> out.addAll(Addresses.expand(a)))));
        return List.copyOf(out);
    }

    @Override
    public Set<String> protocols() {
        return handlers.protocols();
    }

    @Override
    public PeerStore peerStore() {
        return peerStore;
    }

    // ------------------------------------------------------------------ upgrade

    private void onInbound(RawConnection raw) {
        if (closed || connections.size() >= config.max_connections()) {
            LOG.warn("Refusing inbound connection from {}: {}", raw.remoteAddress(),
                    closed ? "host is stopping" : "connection limit " + config.max_connections() + " reached");
            raw.reset();
            return;
        }
        withTimeout(upgrade(raw, Direction.INBOUND, Optional.empty()), config.upgrade_timeout_ms(),
                () -> "upgrading inbound connection from " + raw.remoteAddress())
                .whenComplete((conn, e) -> {
                    if (e != null) {
                        LOG.debug("Inbound connection from {} failed: {}", raw.remoteAddress(), message(e));
                        raw.reset();
                    }
                });
    }

    private CompletionStage<ConnectionImpl> upgrade(RawConnection raw, Direction direction, Optional<PeerId> expected) {
        List<String> securityIds = security.protocols();
        if (securityIds.isEmpty()) {
            return CompletableFuture.failedFuture(new Libp2pException(
                    "no security protocol is installed (is the libp2p.security.noise bundle active?)"));
        }
        if (muxers.isEmpty()) {
            return CompletableFuture.failedFuture(new Libp2pException(
                    "no stream muxer is installed (is the libp2p.muxer.yamux bundle active?)"));
        }
        return negotiate(raw, direction, securityIds).thenCompose(sec -> {
            SecureChannel channel = security.get(sec.protocol()).orElse(null);
            if (channel == null) {
                throw new CompletionException(new Libp2pException("security protocol " + sec.protocol()
                        + " went away during the upgrade"));
            }
            SecureChannel.Context ctx = new SecureChannel.Context(identity, expected, muxers.protocols());
            return channel.secure(ReplayDuplex.wrap(raw, sec.leftover()), direction, ctx)
                    .thenCompose(secured -> {
                        // A responder's handshake does not check whom it expects; a hole punch dialed a known peer.
                        if (expected.isPresent() && !expected.get().equals(secured.remotePeer())) {
                            secured.reset();
                            throw new CompletionException(new Libp2pException("dialed " + expected.get()
                                    + " but the remote is " + secured.remotePeer()));
                        }
                        return upgradeMuxer(raw, secured, sec.protocol(), direction);
                    });
        });
    }

    private CompletionStage<ConnectionImpl> upgradeMuxer(RawConnection raw, SecureChannel.Secured secured,
                                                         String securityId, Direction direction) {
        Optional<String> inlined = secured.muxer().filter(m -> muxers.get(m).isPresent());
        CompletionStage<Negotiation.Result> chosen = inlined.isPresent()
                ? CompletableFuture.completedFuture(new Negotiation.Result(inlined.get(),
                        java.nio.ByteBuffer.allocate(0)))
                : negotiate(secured, direction, muxers.protocols());
        return chosen.thenApply(mux -> {
            StreamMuxer muxer = muxers.get(mux.protocol()).orElseThrow(() -> new CompletionException(
                    new Libp2pException("muxer " + mux.protocol() + " went away during the upgrade")));
            ConnectionImpl conn = new ConnectionImpl("c" + connectionIds.incrementAndGet(), secured.remotePeer(),
                    secured.remotePublicKey(), raw.localAddress(), raw.remoteAddress(), direction, securityId,
                    mux.protocol(), java.time.Instant.now(), raw.isLimited(),
                    this::openStream);
            StreamMuxer.Session session = muxer.start(ReplayDuplex.wrap(secured, mux.leftover()), direction,
                    stream -> onInboundStream(conn, stream));
            conn.attach(session);
            register(conn, secured);
            return conn;
        });
    }

    private void register(ConnectionImpl conn, Duplex secured) {
        PeerId peer = conn.remotePeer();
        long existing = connections.values().stream().filter(c -> c.remotePeer().equals(peer)).count();
        if (existing >= config.max_connections_per_peer()) {
            LOG.debug("Closing {}: {} connections to {} already", conn, existing, peer);
            conn.close();
            return;
        }
        connections.put(conn.id(), conn);
        peerStore.setPublicKey(peer, conn.remotePublicKey());
        if (conn.direction() == Direction.OUTBOUND) {
            peerStore.addAddresses(peer, List.of(conn.remoteAddress()), Duration.ofHours(1));
        }
        LOG.debug("Connected {}", conn);
        if (!conn.isLimited() || existingDirect(peer).isPresent()) { // a direct connection makes relayed ones spare
            closeLimitedLater(peer);
        }
        secured.executor().execute(() -> listeners.forEach(l -> notify(l, conn, true)));
        conn.closeFuture().whenComplete((v, e) -> {
            connections.remove(conn.id());
            LOG.debug("Disconnected {}{}", conn, e == null ? "" : ": " + message(e));
            secured.executor().execute(() -> listeners.forEach(l -> notify(l, conn, false)));
        });
    }

    /**
     * Once a peer has a direct connection, its limited (relayed) connections close after the grace period, unless
     * the direct connection is gone by then: new streams already use the direct one (see {@link #existing}).
     */
    private void closeLimitedLater(PeerId peer) {
        long grace = config.limited_close_grace_ms();
        if (grace < 0 || closed
                || connections.values().stream().noneMatch(c -> c.remotePeer().equals(peer) && c.isLimited())) {
            return;
        }
        try {
            timer.schedule(() -> {
                if (existingDirect(peer).isEmpty()) {
                    return;
                }
                connections.values().stream().filter(c -> c.remotePeer().equals(peer) && c.isLimited())
                        .forEach(c -> {
                            LOG.debug("Closing relayed {}: a direct connection to {} is up", c, peer);
                            c.close();
                        });
            }, grace, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the host is stopping
        }
    }

    private Optional<ConnectionImpl> existingDirect(PeerId peer) {
        return connections.values().stream().filter(c -> c.remotePeer().equals(peer) && c.isOpen() && !c.isLimited())
                .findFirst();
    }

    private static void notify(ConnectionListener l, Connection conn, boolean connected) {
        try {
            if (connected) {
                l.connected(conn);
            } else {
                l.disconnected(conn);
            }
        } catch (LazyService.GoneException e) {
            // its bundle is stopping (e.g. the framework shuts down while connections close): nothing to tell
            LOG.debug("Connection listener {} is gone; not told about {}: {}", l, conn, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Connection listener {} failed for {}", l, conn, e);
        }
    }

    private CompletionStage<Negotiation.Result> negotiate(Duplex duplex, Direction direction, List<String> protocols) {
        return direction == Direction.OUTBOUND
                ? negotiation.initiate(duplex, protocols)
                : negotiation.respond(duplex, protocols::contains);
    }

    // ------------------------------------------------------------------ streams

    private CompletionStage<Stream> openStream(ConnectionImpl conn, Duplex raw, List<String> protocols) {
        return withTimeout(negotiation.initiate(raw, protocols), config.negotiation_timeout_ms(),
                () -> "negotiating " + protocols + " with " + conn.remotePeer())
                .<Stream>thenApply(r -> conn.track(new StreamImpl(conn.nextStreamId(), r.protocol(), conn,
                        Direction.OUTBOUND, ReplayDuplex.wrap(raw, r.leftover()))))
                .whenComplete((s, e) -> {
                    if (e != null) {
                        raw.reset();
                    }
                });
    }

    private void onInboundStream(ConnectionImpl conn, Duplex raw) {
        if (conn.trackedStreams() >= config.max_streams_per_connection()) {
            LOG.debug("Resetting inbound stream on {}: {} streams open", conn, conn.trackedStreams());
            raw.reset();
            return;
        }
        boolean limited = conn.isLimited();
        withTimeout(negotiation.respond(raw, p -> handlers.get(p).filter(r -> !limited || r.allowLimited())
                .isPresent()), config.negotiation_timeout_ms(), () -> "inbound stream negotiation on " + conn)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.debug("Inbound stream on {} failed: {}", conn, message(e));
                        raw.reset();
                        return;
                    }
                    Optional<HandlerRegistry.Registration> reg = handlers.get(r.protocol());
                    if (reg.isEmpty()) {
                        raw.reset();
                        return;
                    }
                    StreamImpl stream = conn.track(new StreamImpl(conn.nextStreamId(), r.protocol(), conn,
                            Direction.INBOUND, ReplayDuplex.wrap(raw, r.leftover())));
                    raw.executor().execute(() -> {
                        try {
                            reg.get().handler().handle(stream);
                        } catch (RuntimeException ex) {
                            LOG.warn("Handler for {} failed on {}; resetting the stream", r.protocol(), conn, ex);
                            stream.reset();
                        }
                    });
                });
    }

    // ------------------------------------------------------------------ dialing

    @Override
    public CompletionStage<Connection> connect(Multiaddr address) {
        Optional<PeerId> peer = address.peerId();
        if (peer.isEmpty()) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + address
                    + ": the address must end in /p2p/<peer-id> so that the remote can be authenticated"));
        }
        if (peer.get().equals(identity.peerId())) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + address + ": that is this node"));
        }
        Optional<Connection> open = existing(peer.get());
        if (open.isPresent()) {
            return CompletableFuture.completedFuture(open.get());
        }
        return dedup(peer.get(), () -> dialAddress(address, peer.get()).thenApply(c -> (Connection) c));
    }

    @Override
    public CompletionStage<Connection> connect(PeerId peer) {
        if (peer.equals(identity.peerId())) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + peer + ": that is this node"));
        }
        Optional<Connection> open = existing(peer);
        if (open.isPresent()) {
            return CompletableFuture.completedFuture(open.get());
        }
        List<Multiaddr> addresses = peerStore.addresses(peer);
        if (addresses.isEmpty()) {
            java.util.Iterator<java.util.function.Supplier<PeerRouting>> it = routers.values().iterator();
            if (!it.hasNext()) {
                return CompletableFuture.failedFuture(new DialException("no known address for " + peer));
            }
            java.util.function.Supplier<PeerRouting> router = it.next();
            return dedup(peer, () -> {
                CompletionStage<List<Multiaddr>> found;
                try {
                    found = router.get().findPeer(peer);
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(new DialException("no known address for " + peer
                            + ", and peer routing is unavailable: " + e.getMessage()));
                }
                return found.handle((addrs, e) -> {
                    if (e != null || addrs == null || addrs.isEmpty()) {
                        return CompletableFuture.<Connection>failedFuture(new DialException("no known address for "
                                + peer + "; peer routing found none" + (e == null ? "" : ": " + unwrap(e).getMessage())));
                    }
                    peerStore.addAddresses(peer, addrs, ROUTED_ADDRESS_TTL);
                    return happyEyeballs(peer, addrs);
                }).thenCompose(c -> c);
            });
        }
        return dedup(peer, () -> happyEyeballs(peer, addresses));
    }

    /** How long addresses found by peer routing are kept in the peer store. */
    static final Duration ROUTED_ADDRESS_TTL = Duration.ofMinutes(30);

    /** An open connection to {@code peer}, a direct one if there is one. */
    private Optional<Connection> existing(PeerId peer) {
        return connections.values().stream().filter(c -> c.remotePeer().equals(peer) && c.isOpen())
                .min(java.util.Comparator.comparing(ConnectionImpl::isLimited)).map(c -> (Connection) c);
    }

    private CompletionStage<Connection> dedup(PeerId peer,
                                              java.util.function.Supplier<CompletionStage<Connection>> dial) {
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        CompletableFuture<Connection> inFlight = dialing.putIfAbsent(peer, mine);
        if (inFlight != null) {
            return inFlight;
        }
        dial.get().whenComplete((c, e) -> {
            dialing.remove(peer, mine);
            if (e == null) {
                mine.complete(c);
            } else {
                mine.completeExceptionally(unwrap(e));
            }
        });
        return mine;
    }

    @Override
    public CompletionStage<Connection> dialDirect(Multiaddr address, Direction role) {
        Optional<PeerId> peer = address.peerId();
        if (peer.isEmpty()) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + address
                    + ": the address must end in /p2p/<peer-id> so that the remote can be authenticated"));
        }
        if (peer.get().equals(identity.peerId())) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + address + ": that is this node"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new DialException("host is stopping"));
        }
        if (connections.size() >= config.max_connections()) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + address + ": connection limit "
                    + config.max_connections() + " reached"));
        }
        CompletableFuture<ConnectionImpl> attempt = dialAddress(address, peer.get(), role);
        CompletableFuture<Connection> out = attempt.thenApply(c -> (Connection) c);
        out.whenComplete((c, e) -> {
            if (out.isCancelled()) {
                attempt.cancel(true);
            }
        });
        return out;
    }

    private CompletableFuture<ConnectionImpl> dialAddress(Multiaddr address, PeerId peer) {
        return dialAddress(address, peer, Direction.OUTBOUND);
    }

    private CompletableFuture<ConnectionImpl> dialAddress(Multiaddr address, PeerId peer, Direction role) {
        Transport transport = transports.entries().stream().map(Ranked.Entry::service)
                .filter(t -> t.canDial(address)).findFirst().orElse(null);
        if (transport == null) {
            return CompletableFuture.failedFuture(new DialException("no transport can dial " + address
                    + " (installed: " + transports.protocols() + ")"));
        }
        CompletableFuture<RawConnection> rawDial = transport
                .dial(address, Duration.ofMillis(config.dial_timeout_ms())).toCompletableFuture();
        CompletableFuture<ConnectionImpl> result = rawDial
                .thenCompose(raw -> withTimeout(upgrade(raw, role, Optional.of(peer)),
                        config.upgrade_timeout_ms(), () -> "upgrading connection to " + address)
                        .whenComplete((c, e) -> {
                            if (e != null) {
                                raw.reset();
                            }
                        }))
                .toCompletableFuture();
        CompletableFuture<ConnectionImpl> out = new CompletableFuture<>();
        result.whenComplete((c, e) -> {
            if (e == null) {
                out.complete(c);
            } else {
                out.completeExceptionally(new DialException("dial " + address + " failed: " + message(e), unwrap(e)));
            }
        });
        // Cancelling the attempt (a happy-eyeballs loser) cancels the transport dial, which closes its socket.
        out.whenComplete((c, e) -> {
            if (out.isCancelled()) {
                rawDial.cancel(true);
                result.thenAccept(ConnectionImpl::close);
            }
        });
        return out;
    }

    private CompletionStage<Connection> happyEyeballs(PeerId peer, List<Multiaddr> addresses) {
        CompletableFuture<Connection> winner = new CompletableFuture<>();
        List<CompletableFuture<ConnectionImpl>> attempts = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger remaining = new AtomicInteger(addresses.size());
        List<ScheduledFuture<?>> scheduled = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            Multiaddr address = addresses.get(i).withoutPeerId().encapsulate(Multiaddr.parse("/p2p/" + peer));
            Runnable start = () -> {
                if (winner.isDone()) {
                    return;
                }
                CompletableFuture<ConnectionImpl> attempt = dialAddress(address, peer);
                attempts.add(attempt);
                attempt.whenComplete((c, e) -> {
                    if (e == null) {
                        if (!winner.complete(c)) {
                            c.close(); // a slower success loses
                        }
                    } else {
                        failures.add(message(e));
                        if (remaining.decrementAndGet() == 0) {
                            winner.completeExceptionally(new DialException("could not connect to " + peer
                                    + ": " + String.join("; ", failures)));
                        }
                    }
                });
            };
            if (i == 0) {
                start.run();
            } else {
                scheduled.add(timer.schedule(start, i * config.dial_stagger_ms(), TimeUnit.MILLISECONDS));
            }
        }
        winner.whenComplete((c, e) -> {
            scheduled.forEach(f -> f.cancel(false));
            attempts.forEach(a -> {
                if (!a.isDone()) {
                    a.cancel(true);
                }
            });
        });
        return winner;
    }

    @Override
    public CompletionStage<Stream> newStream(PeerId peer, List<String> protocols) {
        return connect(peer).thenCompose(c -> c.newStream(protocols));
    }

    @Override
    public List<Connection> connections() {
        return List.copyOf(connections.values());
    }

    @Override
    public List<Connection> connections(PeerId peer) {
        return connections.values().stream().filter(c -> c.remotePeer().equals(peer)).map(c -> (Connection) c)
                .toList();
    }

    @Override
    public CompletionStage<Void> disconnect(PeerId peer) {
        return CompletableFuture.allOf(connections(peer).stream().map(c -> c.close().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    // ------------------------------------------------------------------ helpers

    private <T> CompletableFuture<T> withTimeout(CompletionStage<T> stage, long millis,
                                                 java.util.function.Supplier<String> what) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (f.isDone() || closed) {
            return f;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        ScheduledFuture<?> timeout = timer.schedule(() -> out.completeExceptionally(new Libp2pException(
                what.get() + " timed out after " + millis + " ms", new TimeoutException())), millis,
                TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> {
            timeout.cancel(false);
            if (e == null) {
                out.complete(v);
            } else {
                out.completeExceptionally(unwrap(e));
            }
        });
        return out;
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String message(Throwable e) {
        Throwable t = unwrap(e);
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
