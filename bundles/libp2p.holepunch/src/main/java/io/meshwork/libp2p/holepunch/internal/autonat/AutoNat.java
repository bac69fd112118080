package io.meshwork.libp2p.holepunch.internal.autonat;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.holepunch.internal.dcutr.Scheduler;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage.Status;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AutoNAT v1 over the host. The server ({@link #handle}) refuses requests over relayed connections, dials back only
 * addresses with the requester's observed IP ({@link DialBackPolicy}), over a fresh connection, within the
 * {@link Throttle}, and closes the dial-back connection again. The client ({@link #check}) asks up to {@code n}
 * connected peers that serve the protocol and feeds the answers to the {@link ReachabilityTracker}.
 */
public final class AutoNat implements StreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AutoNat.class);

    private final Host host;
    private final Scheduler scheduler;
    private final Throttle throttle;
    private final ReachabilityTracker tracker;
    private final Supplier<List<Multiaddr>> candidates;
    private final long dialTimeoutMillis;
    private final long streamTimeoutMillis;
    private final boolean serverEnabled;
    private final List<Multiaddr> confirmedByDialBack = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong asked = new AtomicLong();

    public AutoNat(Host host, Scheduler scheduler, Throttle throttle, ReachabilityTracker tracker,
                   Supplier<List<Multiaddr>> candidates, long dialTimeoutMillis, long streamTimeoutMillis,
                   boolean serverEnabled) {
        this.host = host;
        this.scheduler = scheduler;
        this.throttle = throttle;
        this.tracker = tracker;
        this.candidates = candidates;
        this.dialTimeoutMillis = dialTimeoutMillis;
        this.streamTimeoutMillis = streamTimeoutMillis;
        this.serverEnabled = serverEnabled;
    }

    // ------------------------------------------------------------------ server

    @Override
    public void handle(Stream stream) {
        Connection conn = stream.connection();
        scheduler.within(readOne(stream), streamTimeoutMillis, () -> "reading the AutoNAT request")
                .thenCompose(m -> answer(conn, m))
                .exceptionally(e -> AutoNatMessage.response(Status.E_BAD_REQUEST, "bad request", null))
                .thenCompose(r -> {
                    (r.response() != null && r.response().status() == Status.OK ? served : refused).incrementAndGet();
                    if (r.response() != null) {
                        LOG.debug("AutoNAT answer to {}: {} {}", conn.remotePeer(), r.response().status(),
                                r.response().text());
                    }
                    return stream.write(VarintFrames.frame(r.encode()));
                })
                .whenComplete((v, e) -> {
                    stream.closeWrite();
                    stream.close();
                });
    }

    private CompletionStage<AutoNatMessage> answer(Connection conn, AutoNatMessage request) {
        if (!serverEnabled) {
            return done(Status.E_DIAL_REFUSED, "dial-backs are off here");
        }
        if (conn.isLimited()) {
            return done(Status.E_DIAL_REFUSED, "no dial-backs over relayed connections");
        }
        if (request.type() != AutoNatMessage.Type.DIAL || request.dial() == null) {
            return done(Status.E_BAD_REQUEST, "expected DIAL");
        }
        PeerId peer = request.dial().peer();
        if (peer != null && !peer.equals(conn.remotePeer())) {
            return done(Status.E_BAD_REQUEST, "peer id is not the requester's");
        }
        List<Multiaddr> targets = DialBackPolicy.select(conn.remoteAddress(), request.dial().addrs());
        if (targets.isEmpty()) {
            return done(Status.E_DIAL_REFUSED, "no address with the observed IP");
        }
        if (!throttle.tryAcquire(conn.remotePeer())) {
            return done(Status.E_DIAL_REFUSED, "too many dial-back requests");
        }
        return dialBack(conn.remotePeer(), targets);
    }

    private CompletionStage<AutoNatMessage> dialBack(PeerId peer, List<Multiaddr> targets) {
        CompletableFuture<AutoNatMessage> result = new CompletableFuture<>();
        AtomicInteger remaining = new AtomicInteger(targets.size());
        List<CompletableFuture<Connection>> dials = new ArrayList<>();
        for (Multiaddr target : targets) {
            CompletableFuture<Connection> d = host.dialDirect(target.withPeerId(peer), Direction.OUTBOUND)
                    .toCompletableFuture();
            dials.add(d);
            d.whenComplete((c, e) -> {
                if (e == null) {
                    c.close(); // the dial-back only proves reachability
                    result.complete(AutoNatMessage.response(Status.OK, "", target));
                } else if (remaining.decrementAndGet() == 0) {
                    result.complete(AutoNatMessage.response(Status.E_DIAL_ERROR, "dial-back failed", null));
                }
            });
        }
        Scheduler.Cancellable timeout = scheduler.schedule(() -> result.complete(AutoNatMessage.response(
                Status.E_DIAL_ERROR, "dial-back timed out", null)), dialTimeoutMillis);
        result.whenComplete((r, e) -> {
            timeout.cancel();
            dials.forEach(d -> d.cancel(true));
        });
        return result;
    }

    private static CompletionStage<AutoNatMessage> done(Status status, String text) {
        return CompletableFuture.completedFuture(AutoNatMessage.response(status, text, null));
    }

    // ------------------------------------------------------------------ client

    /** Asks up to {@code servers} connected AutoNAT servers; completes with the number of decisive answers. */
    public CompletionStage<Integer> check(int servers) {
        List<Multiaddr> addrs = candidates.get();
        if (addrs.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        List<Connection> conns = new ArrayList<>(host.connections().stream()
                .filter(c -> c.isOpen() && !c.isLimited())
                .filter(c -> host.peerStore().protocols(c.remotePeer()).contains(AutoNatMessage.PROTOCOL))
                .toList());
        Collections.shuffle(conns);
        List<PeerId> seen = new ArrayList<>();
        List<CompletableFuture<Boolean>> asks = new ArrayList<>();
        for (Connection c : conns) {
            if (asks.size() >= servers || seen.contains(c.remotePeer())) {
                continue;
            }
            seen.add(c.remotePeer());
            asks.add(ask(c, addrs));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                .thenApply(v -> (int) asks.stream().filter(CompletableFuture::join).count());
    }

    private CompletableFuture<Boolean> ask(Connection conn, List<Multiaddr> addrs) {
        asked.incrementAndGet();
        CompletableFuture<Boolean> decisive = new CompletableFuture<>();
        scheduler.within(conn.newStream(List.of(AutoNatMessage.PROTOCOL)), streamTimeoutMillis,
                        () -> "opening AutoNAT")
                .thenCompose(s -> s.write(VarintFrames.frame(AutoNatMessage.dial(host.peerId(), addrs).encode()))
                        .thenCompose(v -> scheduler.within(readOne(s), dialTimeoutMillis + streamTimeoutMillis,
                                () -> "waiting for the dial-back answer"))
                        .whenComplete((m, e) -> s.close()))
                .whenComplete((m, e) -> {
                    if (e != null || m.response() == null) {
                        LOG.debug("AutoNAT request to {} failed: {}", conn.remotePeer(),
                                e == null ? "no response" : e.toString());
                        decisive.complete(false);
                        return;
                    }
                    Status status = m.response().status();
                    LOG.debug("AutoNAT {} from {} ({})", status, conn.remotePeer(), m.response().text());
                    Multiaddr addr = m.response().addr();
                    if (status == Status.OK && addr != null) {
                        synchronized (confirmedByDialBack) {
                            confirmedByDialBack.remove(addr);
                            confirmedByDialBack.add(0, addr);
                            while (confirmedByDialBack.size() > 8) {
                                confirmedByDialBack.remove(confirmedByDialBack.size() - 1);
                            }
                        }
                    }
                    tracker.record(status);
                    decisive.complete(status == Status.OK || status == Status.E_DIAL_ERROR);
                });
        return decisive;
    }

    /** Addresses a server reached us on, newest first. */
    public List<Multiaddr> confirmedByDialBack() {
        synchronized (confirmedByDialBack) {
            return List.copyOf(confirmedByDialBack);
        }
    }

    public java.util.Map<String, Long> stats() {
        return java.util.Map.of("server.ok", served.get(), "server.refused", refused.get(), "client.asked",
                asked.get());
    }

    // ------------------------------------------------------------------ plumbing

    static CompletableFuture<AutoNatMessage> readOne(Stream stream) {
        CompletableFuture<AutoNatMessage> out = new CompletableFuture<>();
        stream.setReader(new VarintFrames.Reader(AutoNatMessage.MAX_MESSAGE_SIZE, new VarintFrames.MessageHandler() {
            @Override
            public void onMessage(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                try {
                    out.complete(AutoNatMessage.decode(bytes));
                } catch (MalformedDataException e) {
                    out.completeExceptionally(e);
                }
            }

            @Override
            public void onEnd() {
                out.completeExceptionally(new EOFException("the AutoNAT stream ended"));
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                out.completeExceptionally(cause != null ? cause : new EOFException("the AutoNAT stream closed"));
            }
        }));
        out.whenComplete((m, e) -> {
            if (e instanceof MalformedDataException) {
                stream.reset();
            }
        });
        return out;
    }
}
