package io.meshwork.libp2p.relay.internal.client;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.DialException;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Component;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import io.meshwork.libp2p.relay.internal.CircuitConnection;
import io.meshwork.libp2p.relay.internal.Handshake;
import io.meshwork.libp2p.relay.internal.proto.HopMessage;
import io.meshwork.libp2p.relay.internal.proto.Limit;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.libp2p.relay.internal.proto.RelayStatus;
import io.meshwork.libp2p.relay.internal.proto.StopMessage;
import io.meshwork.libp2p.relay.internal.proto.Voucher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of Circuit Relay v2.
 * <ul>
 * <li>As a {@link Transport} it dials {@code <relay addr>/p2p/<relay>/p2p-circuit/p2p/<target>}: connect to the
 * relay, CONNECT on a hop stream, and on OK hand the stream to the host as a raw connection, which the host secures
 * and multiplexes like any other. It "listens" on {@code /p2p-circuit}: its listener's addresses are the circuit
 * addresses of the live reservations, so they appear in {@code Host.listenAddresses()} and thus in identify.</li>
 * <li>As the STOP {@link StreamHandler} it accepts circuits a relay opens to us and hands them to that listener.</li>
 * <li>It drives the {@link ReservationKeeper} for the configured relays, and as a {@link ConnectionListener} tells
 * it when a relay connection is lost.</li>
 * </ul>
 *
 * <p>Threading: the keeper runs on {@code timer} (a single thread the owner supplies and shuts down); everything
 * else is asynchronous on the connections' executors. Thread-safe.
 */
public final class RelayClient implements Transport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayClient.class);
    private static final Multiaddr CIRCUIT = Multiaddr.parse("/p2p-circuit");

    private final Host host;
    private final ClientConfig config;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ReservationKeeper keeper; // timer thread only
    private final List<Consumer<RawConnection>> acceptors = new CopyOnWriteArrayList<>();
    private volatile List<Multiaddr> circuitAddresses = List.of();
    private volatile List<ReservationKeeper.Status> status = List.of();
    private @Nullable ScheduledFuture<?> wake; // timer thread only
    private volatile boolean closed;

    public RelayClient(Host host, ClientConfig config, Clock clock, ScheduledExecutorService timer, Random random) {
        this.host = host;
        this.config = config;
        this.clock = clock;
        this.timer = timer;
        List<Multiaddr> relays = Arrays.stream(config.relays()).map(String::trim).filter(s -> !s.isEmpty())
                .map(Multiaddr::parse).toList();
        this.keeper = new ReservationKeeper(relays, new ReservationKeeper.Settings(
                Duration.ofMillis(config.backoff_initial_ms()), Duration.ofMillis(config.backoff_max_ms()),
                Duration.ofMillis(config.refused_backoff_ms())), random, clock.instant());
        onTimer(this::tick);
    }

    // ------------------------------------------------------------------ transport

    @Override
    public boolean canDial(Multiaddr address) {
        return split(address) != null;
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return address.equals(CIRCUIT);
    }

    /** {relay part (with /p2p/relay), target} or null if {@code address} is no dialable circuit address. */
    private static Object @Nullable [] split(Multiaddr address) {
        List<Component> cs = address.components();
        int i = -1;
        for (int k = 0; k < cs.size(); k++) {
            if (cs.get(k).protocol() == Protocol.P2P_CIRCUIT) {
                i = k;
                break;
            }
        }
        if (i < 1 || i != cs.size() - 2 || cs.get(i + 1).protocol() != Protocol.P2P
                || cs.get(i - 1).protocol() != Protocol.P2P) {
            return null;
        }
        Multiaddr relayPart = Multiaddr.of(cs.subList(0, i));
        Multiaddr targetPart = Multiaddr.of(cs.subList(i + 1, cs.size()));
        return new Object[] {relayPart, targetPart.peerId().orElseThrow()};
    }

    @Override
    public CompletionStage<RawConnection> dial(Multiaddr address, Duration timeout) {
        Object[] parts = split(address);
        if (parts == null) {
            return CompletableFuture.failedFuture(new DialException("the circuit relay transport cannot dial "
                    + address + ": it dials <relay address>/p2p/<relay>/p2p-circuit/p2p/<target>"));
        }
        Multiaddr relayPart = (Multiaddr) parts[0];
        PeerId target = (PeerId) parts[1];
        PeerId relay = relayPart.peerId().orElseThrow();
        if (relay.equals(target)) {
            return CompletableFuture.failedFuture(new DialException("cannot dial " + address
                    + ": relay and target are the same peer"));
        }
        CompletionStage<Connection> toRelay = relayPart.components().size() == 1 ? host.connect(relay)
                : host.connect(relayPart);
        CompletableFuture<RawConnection> result = toRelay.thenCompose(conn -> {
            if (conn.isLimited()) {
                throw new CompletionException(new DialException("cannot dial " + address + ": the connection"
                        + " to relay " + relay + " is itself relayed"));
            }
            return conn.newStream(List.of(RelayCodec.HOP));
        }).thenCompose(stream -> exchange(stream, RelayCodec.encode(HopMessage.connect(
                new io.meshwork.libp2p.relay.internal.proto.RelayPeer(target, List.of()))))
                .thenApply(m -> {
                    HopMessage answer = decodeHopAnswer(m, relay);
                    if (answer.status() != RelayStatus.OK.code()) {
                        stream.reset();
                        throw new CompletionException(new RelayRefusedException(answer.status(), "relay " + relay
                                + " cannot connect to " + target));
                    }
                    Limit limit = answer.limit();
                    return (RawConnection) new CircuitConnection(stream, m.leftover(),
                            relayPart.encapsulate(CIRCUIT), address, Direction.OUTBOUND, limit, relay);
                })).toCompletableFuture();
        return within(result, timeout.toMillis(), () -> "dialing " + address);
    }

    @Override
    public Listener listen(Multiaddr address, Consumer<RawConnection> acceptor) {
        acceptors.add(acceptor);
        return new Listener() {
            @Override
            public Multiaddr address() {
                return CIRCUIT;
            }

            @Override
            public List<Multiaddr> addresses() {
                return circuitAddresses;
            }

            @Override
            public void close() {
                acceptors.remove(acceptor);
            }
        };
    }

    // ------------------------------------------------------------------ stop

    /** The STOP handler: a relay opens a circuit to us. */
    public final StreamHandler stopHandler = this::onStop;

    private void onStop(Stream stream) {
        Connection conn = stream.connection();
        PeerId relay = conn.remotePeer();
        Handshake.read(stream, RelayCodec.MAX_MESSAGE_SIZE, config.handshake_timeout_ms(), timer)
                .whenComplete((m, e) -> {
                    if (e != null) {
                        LOG.debug("STOP stream from relay {} failed: {}", relay, e.getMessage());
                        stream.reset();
                        return;
                    }
                    StopMessage request;
                    try {
                        request = RelayCodec.decodeStop(m.body());
                    } catch (MalformedDataException ex) {
                        answerStop(stream, RelayStatus.MALFORMED_MESSAGE);
                        return;
                    }
                    if (request.type() != StopMessage.Type.CONNECT || request.peer() == null) {
                        answerStop(stream, RelayStatus.UNEXPECTED_MESSAGE);
                        return;
                    }
                    Consumer<RawConnection> acceptor = acceptors.isEmpty() ? null : acceptors.get(0);
                    if (acceptor == null || closed) {
                        LOG.debug("Refusing a circuit from {} via {}: not listening on /p2p-circuit",
                                request.peer().id(), relay);
                        answerStop(stream, RelayStatus.CONNECTION_FAILED);
                        return;
                    }
                    Multiaddr viaRelay = conn.remoteAddress().withoutPeerId().withPeerId(relay).encapsulate(CIRCUIT);
                    Limit limit = request.limit();
                    CircuitConnection circuit = new CircuitConnection(stream, m.leftover(), viaRelay,
                            viaRelay.withPeerId(request.peer().id()), Direction.INBOUND, limit, relay);
                    Handshake.send(stream, RelayCodec.encode(StopMessage.status(RelayStatus.OK)));
                    LOG.debug("Accepted a circuit from {} via {} ({})", request.peer().id(), relay,
                            limit == null ? "no limit" : limit);
                    acceptor.accept(circuit);
                });
    }

    private static void answerStop(Stream stream, RelayStatus status) {
        Handshake.send(stream, RelayCodec.encode(StopMessage.status(status))).whenComplete((v, e) -> stream.close());
    }

    // ------------------------------------------------------------------ reservations

    /** Tells the keeper about lost relay connections. */
    public final ConnectionListener connectionListener = new ConnectionListener() {
        @Override
        public void connected(Connection connection) {
            // reservations are made by the keeper
        }

        @Override
        public void disconnected(Connection connection) {
            PeerId peer = connection.remotePeer();
            onTimer(() -> {
                if (keeper.isRelay(peer) && host.connections(peer).stream().noneMatch(Connection::isOpen)) {
                    LOG.info("Lost the connection to relay {}; reserving again shortly", peer);
                    keeper.disconnected(peer, clock.instant());
                    tick();
                }
            });
        }
    };

    private void tick() {
        Instant now = clock.instant();
        for (Multiaddr relay : keeper.due(now)) {
            reserve(relay).whenComplete((expires, e) -> onTimer(() -> {
                PeerId id = relay.peerId().orElseThrow();
                if (e == null) {
                    boolean wasReserved = keeper.circuitAddresses(clock.instant()).stream()
                            .anyMatch(a -> a.toString().contains(id.toString()));
                    keeper.reserved(id, clock.instant(), expires.getKey(), expires.getValue());
                    if (!wasReserved) {
                        LOG.info("Reserved on relay {} until {}", id, expires.getKey());
                    }
                } else {
                    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    boolean refused = t instanceof RelayRefusedException;
                    LOG.info("No reservation on relay {}: {}", relay, t.getMessage());
                    keeper.failed(id, clock.instant(), String.valueOf(t.getMessage()), refused);
                }
                tick();
            }));
        }
        circuitAddresses = keeper.circuitAddresses(now);
        status = keeper.status();
        if (wake != null) {
            wake.cancel(false);
        }
        keeper.nextWake().ifPresent(at -> {
            long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
            wake = timer.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
        });
    }

    private CompletableFuture<java.util.Map.Entry<Instant, List<Multiaddr>>> reserve(Multiaddr relayAddress) {
        PeerId relay = relayAddress.peerId().orElseThrow();
        CompletableFuture<java.util.Map.Entry<Instant, List<Multiaddr>>> result = host.connect(relayAddress)
                .thenCompose(conn -> {
                    if (conn.isLimited()) {
                        throw new CompletionException(new DialException("the connection to relay " + relay
                                + " is itself relayed"));
                    }
                    return conn.newStream(List.of(RelayCodec.HOP));
                })
                .thenCompose(stream -> exchange(stream, RelayCodec.encode(HopMessage.reserve())).thenApply(m -> {
                    stream.close();
                    HopMessage answer = decodeHopAnswer(m, relay);
                    if (answer.status() != RelayStatus.OK.code()) {
                        throw new CompletionException(new RelayRefusedException(answer.status(), "reservation on relay "
                                + relay));
                    }
                    if (answer.reservation() == null) {
                        throw new CompletionException(new DialException("relay " + relay
                                + " answered OK without a reservation"));
                    }
                    byte[] voucher = answer.reservation().voucher();
                    if (voucher != null) {
                        try {
                            Voucher v = Voucher.open(voucher);
                            if (!v.relay().equals(relay) || !v.peer().equals(host.peerId())) {
                                LOG.warn("Relay {} sent a voucher for {} by {}", relay, v.peer(), v.relay());
                            }
                        } catch (MalformedDataException ex) {
                            LOG.warn("Relay {} sent an invalid reservation voucher: {}", relay, ex.getMessage());
                        }
                    }
                    return java.util.Map.entry(Instant.ofEpochSecond(answer.reservation().expire()),
                            answer.reservation().addrs());
                })).toCompletableFuture();
        return within(result, config.handshake_timeout_ms() * 2, () -> "reserving on " + relayAddress);
    }

    private CompletableFuture<Handshake.Message> exchange(Stream stream, byte[] request) {
        return Handshake.send(stream, request).toCompletableFuture()
                .thenCompose(v -> Handshake.read(stream, RelayCodec.MAX_MESSAGE_SIZE, config.handshake_timeout_ms(),
                        timer))
                .whenComplete((m, e) -> {
                    if (e != null) {
                        stream.reset();
                    }
                });
    }

    private static HopMessage decodeHopAnswer(Handshake.Message m, PeerId relay) {
        HopMessage answer;
        try {
            answer = RelayCodec.decodeHop(m.body());
        } catch (MalformedDataException e) {
            throw new CompletionException(new DialException("relay " + relay + " sent a malformed answer: "
                    + e.getMessage(), e));
        }
        if (answer.type() != HopMessage.Type.STATUS) {
            throw new CompletionException(new DialException("relay " + relay + " answered with "
                    + answer.type() + " instead of STATUS"));
        }
        return answer;
    }

    private <T> CompletableFuture<T> within(CompletableFuture<T> f, long millis,
                                           java.util.function.Supplier<String> what) {
        CompletableFuture<T> out = new CompletableFuture<>();
        ScheduledFuture<?> t;
        try {
            t = timer.schedule(() -> {
                if (out.completeExceptionally(new DialException(what.get() + " timed out after " + millis + " ms",
                        new TimeoutException()))) {
                    f.thenAccept(v -> {
                        if (v instanceof RawConnection c) {
                            c.reset();
                        }
                    });
                }
            }, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new DialException(what.get() + ": the relay client is stopped"));
        }
        f.whenComplete((v, e) -> {
            t.cancel(false);
            if (e == null) {
                if (!out.complete(v) && v instanceof RawConnection c) {
                    c.reset();
                }
            } else {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                out.completeExceptionally(cause);
            }
        });
        out.whenComplete((v, e) -> {
            if (out.isCancelled()) {
                f.cancel(true);
            }
        });
        return out;
    }

    private void onTimer(Runnable task) {
        if (closed) {
            return;
        }
        try {
            timer.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Relay client task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    // ------------------------------------------------------------------ shell and tests

    /** The current circuit addresses (live reservations). */
    public List<Multiaddr> circuitAddresses() {
        return circuitAddresses;
    }

    /** Per configured relay: state, expiry, last error. */
    public List<ReservationKeeper.Status> reservations() {
        return status;
    }

    @Override
    public void close() {
        closed = true;
        acceptors.clear();
    }
}
