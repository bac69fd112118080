package io.meshwork.libp2p.relay.internal.hop;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.relay.internal.Addrs;
import io.meshwork.libp2p.relay.internal.Handshake;
import io.meshwork.libp2p.relay.internal.Splice;
import io.meshwork.libp2p.relay.internal.proto.HopMessage;
import io.meshwork.libp2p.relay.internal.proto.Limit;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.libp2p.relay.internal.proto.RelayPeer;
import io.meshwork.libp2p.relay.internal.proto.RelayStatus;
import io.meshwork.libp2p.relay.internal.proto.Reservation;
import io.meshwork.libp2p.relay.internal.proto.StopMessage;
import io.meshwork.libp2p.relay.internal.proto.Voucher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hop side of Circuit Relay v2: answers RESERVE and CONNECT on {@value RelayCodec#HOP}, opens STOP streams to
 * targets and splices the two streams. Every refusal carries the specification's status code and is logged with its
 * reason at debug level and counted.
 *
 * <p>Threading: stream callbacks run on their connections' executors; the {@link ReservationTable} is guarded by its
 * own lock (held only for bookkeeping, never during I/O); timeouts and circuit lifetimes run on {@code timer}, which
 * the owner supplies and shuts down. {@link #close()} resets every circuit.
 */
public final class HopServer implements StreamHandler, ConnectionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HopServer.class);

    private final Host host;
    private final HostIdentity identity;
    private final HopConfig config;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ReservationTable table;
    private final Set<PeerId> allowed;
    private final List<Multiaddr> announce;
    private final Limit limit;
    private final Map<Circuit, Boolean> circuits = new ConcurrentHashMap<>();
    private final Map<RelayStatus, AtomicLong> refusals = new EnumMap<>(RelayStatus.class);
    private final AtomicLong reservationsGranted = new AtomicLong();
    private final AtomicLong circuitsOpened = new AtomicLong();
    private final AtomicLong bytesRelayed = new AtomicLong();
    private final ScheduledFuture<?> sweeper;
    private volatile boolean closed;

    /** A running circuit, for the shell. */
    public record Circuit(PeerId source, PeerId target, Instant opened, Splice splice) {
    }

    public HopServer(Host host, HostIdentity identity, HopConfig config, Clock clock, ScheduledExecutorService timer) {
        this.host = host;
        this.identity = identity;
        this.config = config;
        this.clock = clock;
        this.timer = timer;
        this.table = new ReservationTable(new ReservationTable.Limits(config.max_reservations(),
                config.max_reservations_per_peer(), config.max_reservations_per_ip(),
                Duration.ofSeconds(config.reservation_ttl_s()), config.max_circuits(),
                config.max_circuits_per_peer()));
        this.allowed = Arrays.stream(config.allowed_peers()).map(String::trim).filter(s -> !s.isEmpty())
                .map(PeerId::parse).collect(Collectors.toUnmodifiableSet());
        this.announce = Arrays.stream(config.announce_addresses()).map(String::trim).filter(s -> !s.isEmpty())
                .map(Multiaddr::parse).toList();
        this.limit = new Limit(config.circuit_duration_s(), config.circuit_data_bytes());
        for (RelayStatus s : RelayStatus.values()) {
            refusals.put(s, new AtomicLong());
        }
        this.sweeper = timer.scheduleWithFixedDelay(this::sweep, 60, 60, TimeUnit.SECONDS);
        LOG.info("Circuit relay hop server on: up to {} reservations ({} per peer, {} per IP, {} s), {} circuits"
                + " ({} per peer), circuit limit {}{}", config.max_reservations(), config.max_reservations_per_peer(),
                config.max_reservations_per_ip(), config.reservation_ttl_s(), config.max_circuits(),
                config.max_circuits_per_peer(), limit, allowed.isEmpty() ? "" : ", " + allowed.size()
                        + " allowed peers");
    }

    private void sweep() {
        synchronized (table) {
            table.expire(clock.instant());
        }
    }

    // ------------------------------------------------------------------ hop streams

    @Override
    public void handle(Stream stream) {
        Handshake.read(stream, RelayCodec.MAX_MESSAGE_SIZE, config.handshake_timeout_ms(), timer)
                .whenComplete((m, e) -> {
                    if (e != null) {
                        LOG.debug("Hop stream from {} failed before its request: {}",
                                stream.connection().remotePeer(), e.getMessage());
                        stream.reset();
                        return;
                    }
                    try {
                        onRequest(stream, m);
                    } catch (RuntimeException ex) {
                        LOG.warn("Hop request from {} failed", stream.connection().remotePeer(), ex);
                        stream.reset();
                    }
                });
    }

    private void onRequest(Stream stream, Handshake.Message m) {
        HopMessage request;
        try {
            request = RelayCodec.decodeHop(m.body());
        } catch (MalformedDataException e) {
            refuse(stream, RelayStatus.MALFORMED_MESSAGE, e.getMessage());
            return;
        }
        Connection conn = stream.connection();
        if (conn.isLimited() || conn.remoteAddress().has(Protocol.P2P_CIRCUIT)) {
            refuse(stream, RelayStatus.PERMISSION_DENIED, request.type() + " over a relayed connection");
            return;
        }
        switch (request.type()) {
            case RESERVE -> reserve(stream);
            case CONNECT -> connect(stream, request, m);
            default -> refuse(stream, RelayStatus.UNEXPECTED_MESSAGE, "a STATUS message as a request");
        }
    }

    private void reserve(Stream stream) {
        Connection conn = stream.connection();
        PeerId peer = conn.remotePeer();
        if (!allowed.isEmpty() && !allowed.contains(peer)) {
            refuse(stream, RelayStatus.PERMISSION_DENIED, "peer " + peer + " is not on the allow-list");
            return;
        }
        Instant now = clock.instant();
        ReservationTable.Decision d;
        synchronized (table) {
            d = table.reserve(peer, conn.id(), Addrs.ipOf(conn.remoteAddress()), now);
        }
        if (!d.isGranted()) {
            refuse(stream, RelayStatus.RESERVATION_REFUSED, d.refusal().orElse(""));
            return;
        }
        if (!conn.isOpen()) {
            synchronized (table) {
                table.connectionClosed(conn.id());
            }
        }
        long expire = d.expires().getEpochSecond();
        byte[] voucher = new Voucher(identity.peerId(), peer, expire).seal(identity.publicKey(), identity::sign)
                .marshal();
        Reservation r = new Reservation(expire, reservationAddresses(), voucher);
        HopMessage ok = new HopMessage(HopMessage.Type.STATUS, null, r, limitOrNull(), RelayStatus.OK.code());
        reservationsGranted.incrementAndGet();
        LOG.debug("Reservation for {} until {}", peer, d.expires());
        Handshake.send(stream, RelayCodec.encode(ok)).whenComplete((v, e) -> stream.close());
    }

    /** The relay's own addresses for a reservation, with {@code /p2p/<relay>}. */
    List<Multiaddr> reservationAddresses() {
        List<Multiaddr> base = announce.isEmpty() ? host.listenAddresses() : announce;
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : base) {
            if (a.has(Protocol.P2P_CIRCUIT)) {
                continue;
            }
            if (announce.isEmpty() && !config.allow_private_addresses() && !Addrs.isPublic(a)) {
                continue;
            }
            out.add(a.withoutPeerId().withPeerId(identity.peerId()));
            if (out.size() >= 16) {
                break;
            }
        }
        return out;
    }

    private @Nullable Limit limitOrNull() {
        return limit.isUnlimited() ? null : limit;
    }

    private void connect(Stream source, HopMessage request, Handshake.Message m) {
        PeerId src = source.connection().remotePeer();
        if (request.peer() == null) {
            refuse(source, RelayStatus.MALFORMED_MESSAGE, "CONNECT without a peer");
            return;
        }
        PeerId target = request.peer().id();
        Instant now = clock.instant();
        List<String> viaConnections;
        ReservationTable.Decision d;
        synchronized (table) {
            viaConnections = table.reservationConnections(target, now);
            d = viaConnections.isEmpty() ? null : table.openCircuit(src, target);
        }
        if (d == null) {
            refuse(source, RelayStatus.NO_RESERVATION, "peer " + target + " has no reservation");
            return;
        }
        if (!d.isGranted()) {
            refuse(source, RelayStatus.RESOURCE_LIMIT_EXCEEDED, d.refusal().orElse(""));
            return;
        }
        Optional<Connection> toTarget = host.connections(target).stream()
                .filter(c -> c.isOpen() && viaConnections.contains(c.id())).findFirst()
                .or(() -> host.connections(target).stream().filter(c -> c.isOpen() && !c.isLimited()).findFirst());
        if (toTarget.isEmpty()) {
            releaseCircuit(src, target);
            refuse(source, RelayStatus.CONNECTION_FAILED, "no connection to " + target);
            return;
        }
        toTarget.get().newStream(List.of(RelayCodec.STOP)).toCompletableFuture()
                .thenCompose(stop -> Handshake.send(stop, RelayCodec.encode(StopMessage.connect(RelayPeer.of(src),
                                limitOrNull())))
                        .thenCompose(v -> Handshake.read(stop, RelayCodec.MAX_MESSAGE_SIZE,
                                config.handshake_timeout_ms(), timer))
                        .whenComplete((answer, e) -> {
                            if (e != null) {
                                stop.reset();
                            }
                        })
                        .thenApply(answer -> Map.entry(stop, answer)))
                .whenComplete((entry, e) -> {
                    String failure = null;
                    StopMessage answer = null;
                    if (e == null) {
                        try {
                            answer = RelayCodec.decodeStop(entry.getValue().body());
                        } catch (MalformedDataException ex) {
                            failure = "target sent a malformed answer: " + ex.getMessage();
                        }
                        if (answer != null && (answer.type() != StopMessage.Type.STATUS
                                || answer.status() != RelayStatus.OK.code())) {
                            failure = "target answered " + answer.type() + " " + answer.statusName();
                        }
                    } else {
                        failure = e.getMessage();
                    }
                    if (failure != null) {
                        if (entry != null) {
                            entry.getKey().reset();
                        }
                        releaseCircuit(src, target);
                        refuse(source, RelayStatus.CONNECTION_FAILED, "STOP to " + target + ": " + failure);
                        return;
                    }
                    HopMessage ok = new HopMessage(HopMessage.Type.STATUS, null, null, limitOrNull(),
                            RelayStatus.OK.code());
                    Handshake.send(source, RelayCodec.encode(ok));
                    startCircuit(source, m, entry.getKey(), entry.getValue(), src, target);
                });
    }

    private void startCircuit(Stream source, Handshake.Message sourceRest, Stream stop, Handshake.Message stopRest,
                              PeerId src, PeerId target) {
        Splice splice = Splice.start(source, sourceRest.leftover(), stop, stopRest.leftover(),
                config.circuit_data_bytes(), config.splice_buffer_bytes());
        Circuit circuit = new Circuit(src, target, clock.instant(), splice);
        circuits.put(circuit, Boolean.TRUE);
        circuitsOpened.incrementAndGet();
        ScheduledFuture<?> deadline = config.circuit_duration_s() <= 0 ? null
                : timer.schedule(() -> splice.abort("duration limit of " + config.circuit_duration_s() + " s reached"),
                config.circuit_duration_s(), TimeUnit.SECONDS);
        LOG.debug("Circuit {} -> {} open", src, target);
        if (closed) {
            splice.abort("relay stopping");
        }
        splice.done().whenComplete((v, e) -> {
            if (deadline != null) {
                deadline.cancel(false);
            }
            circuits.remove(circuit);
            bytesRelayed.addAndGet(splice.bytesAtoB() + splice.bytesBtoA());
            releaseCircuit(src, target);
            LOG.debug("Circuit {} -> {} closed after {} / {} bytes{}", src, target, splice.bytesAtoB(),
                    splice.bytesBtoA(), splice.abortReason() == null ? "" : ": " + splice.abortReason());
        });
    }

    private void releaseCircuit(PeerId src, PeerId target) {
        synchronized (table) {
            table.closeCircuit(src, target);
        }
    }

    private void refuse(Stream stream, RelayStatus status, String reason) {
        refusals.get(status).incrementAndGet();
        LOG.debug("Refusing hop request from {}: {}: {}", stream.connection().remotePeer(), status, reason);
        Handshake.send(stream, RelayCodec.encode(HopMessage.status(status))).whenComplete((v, e) -> stream.close());
    }

    // ------------------------------------------------------------------ connections

    @Override
    public void connected(Connection connection) {
        // reservations are made by RESERVE
    }

    @Override
    public void disconnected(Connection connection) {
        synchronized (table) {
            table.connectionClosed(connection.id());
        }
    }

    // ------------------------------------------------------------------ shell and tests

    public List<ReservationTable.Entry> reservations() {
        synchronized (table) {
            table.expire(clock.instant());
            return table.reservations();
        }
    }

    public List<Circuit> circuits() {
        return List.copyOf(circuits.keySet());
    }

    public ReservationTable.Limits limits() {
        return table.limits();
    }

    public Limit circuitLimit() {
        return limit;
    }

    /** Counters: granted reservations, opened circuits, bytes relayed by closed circuits, refusals by status. */
    public Map<String, Long> stats() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        out.put("reservations.granted", reservationsGranted.get());
        out.put("circuits.opened", circuitsOpened.get());
        out.put("bytes.relayed", bytesRelayed.get() + circuits.keySet().stream()
                .mapToLong(c -> c.splice().bytesAtoB() + c.splice().bytesBtoA()).sum());
        refusals.forEach((s, n) -> {
            if (s != RelayStatus.OK && s != RelayStatus.UNUSED) {
                out.put("refused." + s.name(), n.get());
            }
        });
        return out;
    }

    @Override
    public void close() {
        closed = true;
        sweeper.cancel(false);
        circuits.keySet().forEach(c -> c.splice().abort("relay stopping"));
    }
}
