package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.holepunch.internal.dcutr.DcutrInitiator;
import io.meshwork.libp2p.holepunch.internal.dcutr.DcutrResponder;
import io.meshwork.libp2p.holepunch.internal.dcutr.MessageChannel;
import io.meshwork.libp2p.holepunch.internal.dcutr.Outcome;
import io.meshwork.libp2p.holepunch.internal.dcutr.Punch;
import io.meshwork.libp2p.holepunch.internal.dcutr.Scheduler;
import io.meshwork.libp2p.holepunch.internal.dcutr.Settings;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCUtR on a host: starts the initiator when a relayed connection arrives (we are its inbound side), serves the
 * responder on {@code /libp2p/dcutr}, and punches with {@link Host#dialDirect} in the role the protocol assigns.
 * Success is any direct connection to the peer, also one the peer's dial brought to our listener. Bounded: at most
 * {@code max_concurrent} punches, one per peer, a bounded history. Thread-safe.
 */
public final class HolePunchService implements ConnectionListener, StreamHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HolePunchService.class);
    static final int HISTORY = 64;

    /** One finished hole punch, for the shell, metrics and benchmarks. */
    public record Result(PeerId peer, boolean initiator, Outcome outcome, Instant at) {
    }

    private final Host host;
    private final HolePunchConfig config;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Settings settings;
    private final Supplier<List<Multiaddr>> ownAddresses;
    private final Set<PeerId> running = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> responderAttempts = new ConcurrentHashMap<>();
    private final Map<PeerId, List<CompletableFuture<Boolean>>> waitingForDirect = new ConcurrentHashMap<>();
    private final ArrayDeque<Result> history = new ArrayDeque<>();
    private final List<Consumer<Result>> resultListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    public HolePunchService(Host host, HolePunchConfig config, Scheduler scheduler, Clock clock,
                            Supplier<List<Multiaddr>> ownAddresses) {
        this.host = host;
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.ownAddresses = ownAddresses;
        this.settings = new Settings(Math.max(1, config.max_attempts()), config.stream_timeout_ms(),
                config.dial_timeout_ms(), config.swap_roles_on_last_attempt(),
                config.connection_reversal_enabled() ? Math.max(1, config.reversal_timeout_ms()) : 0);
    }

    /** Hears about every finished hole punch (tests, benchmarks). */
    public void addResultListener(Consumer<Result> listener) {
        resultListeners.add(listener);
    }

    // ------------------------------------------------------------------ initiator (B)

    @Override
    public void connected(Connection connection) {
        PeerId peer = connection.remotePeer();
        if (!connection.isLimited()) {
            List<CompletableFuture<Boolean>> waiters = waitingForDirect.remove(peer);
            if (waiters != null) {
                waiters.forEach(w -> w.complete(true));
            }
            return;
        }
        if (closed || !config.dcutr_enabled() || connection.direction() != Direction.INBOUND) {
            return;
        }
        if (running.size() >= config.max_concurrent() || !running.add(peer)) {
            LOG.debug("Not hole punching {}: {} running", peer, running.size());
            return;
        }
        scheduler.schedule(() -> startInitiator(connection), config.start_delay_ms());
    }

    private void startInitiator(Connection relayed) {
        PeerId peer = relayed.remotePeer();
        if (closed || !relayed.isOpen()) {
            running.remove(peer);
            return;
        }
        started.incrementAndGet();
        LOG.debug("DCUtR with {} over {}", peer, relayed.remoteAddress());
        DcutrInitiator initiator = new DcutrInitiator(() -> relayed.newStream(List.of(HolePunch.PROTOCOL))
                .handle((s, e) -> {
                    if (e == null) {
                        return (MessageChannel) new StreamChannel(s);
                    }
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (cause instanceof io.meshwork.libp2p.api.host.ProtocolNotSupportedException) {
                        throw new java.util.concurrent.CompletionException(new UnsupportedOperationException(
                                "the peer does not speak " + HolePunch.PROTOCOL));
                    }
                    throw new java.util.concurrent.CompletionException(cause);
                }), punch(peer), scheduler, clock, settings);
        initiator.start().whenComplete((o, e) -> {
            running.remove(peer);
            if (o != null) {
                record(new Result(peer, true, o, clock.instant()));
            }
        });
    }

    // ------------------------------------------------------------------ responder (A)

    @Override
    public void handle(Stream stream) {
        Connection conn = stream.connection();
        if (closed || !config.dcutr_enabled() || !conn.isLimited()) {
            stream.reset(); // nothing to upgrade
            return;
        }
        int attempt = responderAttempts.merge(conn.id(), 1, Integer::sum);
        if (attempt == 1) {
            conn.closeFuture().whenComplete((v, e) -> responderAttempts.remove(conn.id()));
        }
        if (attempt > 2 * settings.maxAttempts()) {
            stream.reset();
            return;
        }
        started.incrementAndGet();
        new DcutrResponder(punch(conn.remotePeer()), scheduler, clock, settings)
                .handle(new StreamChannel(stream), attempt)
                .whenComplete((o, e) -> {
                    if (o != null) {
                        record(new Result(conn.remotePeer(), false, o, clock.instant()));
                    }
                });
    }

    @Override
    public void disconnected(Connection connection) {
        responderAttempts.remove(connection.id());
    }

    // ------------------------------------------------------------------ punching

    private Punch punch(PeerId peer) {
        return new Punch() {
            @Override
            public List<Multiaddr> ownAddresses() {
                return ownAddresses.get();
            }

            @Override
            public CompletionStage<Boolean> dial(List<Multiaddr> addresses, boolean asClient) {
                return punchDial(peer, addresses, asClient);
            }

            @Override
            public boolean directConnected() {
                return hasDirect(peer);
            }

            @Override
            public List<Multiaddr> reversalAddresses() {
                return host.peerStore().addresses(peer).stream().filter(Addrs::isDirectTcp)
                        .filter(a -> config.reversal_private_addresses() || Addrs.isPublic(a))
                        .map(Multiaddr::withoutPeerId).distinct().limit(config.max_dial_addresses()).toList();
            }
        };
    }

    private boolean hasDirect(PeerId peer) {
        return host.connections(peer).stream().anyMatch(c -> c.isOpen() && !c.isLimited());
    }

    private CompletionStage<Boolean> punchDial(PeerId peer, List<Multiaddr> addresses, boolean asClient) {
        List<Multiaddr> targets = new ArrayList<>(new LinkedHashSet<>(addresses.stream()
                .filter(Addrs::isDirectTcp).map(Multiaddr::withoutPeerId).toList()));
        if (targets.size() > config.max_dial_addresses()) {
            targets = targets.subList(0, config.max_dial_addresses());
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        if (targets.isEmpty()) {
            result.complete(false);
            return result;
        }
        waitingForDirect.computeIfAbsent(peer, p -> new CopyOnWriteArrayList<>()).add(result);
        if (hasDirect(peer)) {
            result.complete(true);
        }
        Direction role = asClient ? Direction.OUTBOUND : Direction.INBOUND;
        List<CompletableFuture<Connection>> dials = new ArrayList<>();
        for (Multiaddr target : targets) {
            CompletableFuture<Connection> d = host.dialDirect(target.withPeerId(peer), role).toCompletableFuture();
            dials.add(d);
            d.whenComplete((c, e) -> {
                if (e == null) {
                    LOG.debug("Hole punch to {} via {} as {}", peer, target, asClient ? "client" : "server");
                    if (!result.complete(true) && !c.isLimited()) {
                        // another path won; a second direct connection is redundant
                        if (host.connections(peer).stream().anyMatch(o -> o != c && o.isOpen() && !o.isLimited())) {
                            c.close();
                        }
                    }
                } else {
                    LOG.debug("Hole punch dial {} failed: {}", target, DcutrInitiator.message(e));
                }
            });
        }
        Scheduler.Cancellable timeout = scheduler.schedule(() -> result.complete(hasDirect(peer)),
                config.dial_timeout_ms());
        result.whenComplete((ok, e) -> {
            timeout.cancel();
            List<CompletableFuture<Boolean>> waiters = waitingForDirect.get(peer);
            if (waiters != null) {
                waiters.remove(result);
                waitingForDirect.remove(peer, List.of());
            }
            dials.forEach(d -> d.cancel(true));
        });
        return result;
    }

    // ------------------------------------------------------------------ results

    private void record(Result r) {
        (r.outcome().success() ? succeeded : failed).incrementAndGet();
        if (r.outcome().success()) {
            LOG.info("Direct connection to {} after {} attempt(s), {} ms ({})", r.peer(), r.outcome().attempts(),
                    r.outcome().elapsedMillis(), r.outcome().reversed() ? "connection reversal: we dialed it"
                            : r.initiator() ? "we initiated DCUtR" : "peer initiated DCUtR");
        } else {
            LOG.info("No direct connection to {} ({}); staying on the relay", r.peer(), r.outcome().failure());
        }
        synchronized (history) {
            history.addLast(r);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        resultListeners.forEach(l -> {
            try {
                l.accept(r);
            } catch (RuntimeException e) {
                LOG.warn("Hole punch result listener failed", e);
            }
        });
    }

    public List<Result> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    public Map<String, Long> stats() {
        return Map.of("started", started.get(), "succeeded", succeeded.get(), "failed", failed.get(),
                "running", (long) running.size());
    }

    @Override
    public void close() {
        closed = true;
        waitingForDirect.values().forEach(l -> l.forEach(f -> f.complete(false)));
        waitingForDirect.clear();
    }
}
