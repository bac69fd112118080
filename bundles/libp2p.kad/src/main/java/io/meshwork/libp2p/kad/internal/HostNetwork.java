package io.meshwork.libp2p.kad.internal;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.RoutingException;
import io.meshwork.libp2p.kad.internal.engine.Network;
import io.meshwork.libp2p.kad.internal.proto.KadCodec;
import io.meshwork.libp2p.kad.internal.proto.KadMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine's {@link Network} on a real {@link Host}: one stream per request (the server side accepts several),
 * addresses in the host's peer store. Dials only peers with known addresses or an open connection, so a lookup
 * never asks the DHT itself for an address. A stream that gets no answer is reset after the request timeout.
 */
public final class HostNetwork implements Network {

    /** How long addresses learnt from DHT answers are kept. */
    static final Duration ADDRESS_TTL = Duration.ofMinutes(30);

    private final Host host;
    private final String protocol;
    private final long timeoutMs;
    private final ScheduledExecutorService timer;

    public HostNetwork(Host host, String protocol, long timeoutMs, ScheduledExecutorService timer) {
        this.host = host;
        this.protocol = protocol;
        this.timeoutMs = timeoutMs;
        this.timer = timer;
    }

    /**
     * An open connection to {@code peer}, or one dialed with the addresses in the peer store, one after the other.
     * Never {@code Host.connect(PeerId)}: without addresses that would ask peer routing, i.e. this DHT.
     */
    private CompletionStage<Connection> connection(PeerId peer) {
        for (Connection c : host.connections(peer)) {
            if (c.isOpen() && !c.isLimited()) {
                return CompletableFuture.completedFuture(c);
            }
        }
        List<Multiaddr> addrs = host.peerStore().addresses(peer);
        if (addrs.isEmpty()) {
            return CompletableFuture.failedFuture(new RoutingException("no address known for " + peer));
        }
        return dial(peer, addrs.subList(0, Math.min(addrs.size(), MAX_DIAL_ADDRESSES)), 0, null);
    }

    private static final int MAX_DIAL_ADDRESSES = 4;

    private CompletionStage<Connection> dial(PeerId peer, List<Multiaddr> addrs, int i, @Nullable Throwable last) {
        if (i >= addrs.size()) {
            return CompletableFuture.failedFuture(new RoutingException("could not reach " + peer + " at " + addrs
                    + (last == null ? "" : ": " + last.getMessage())));
        }
        return host.connect(addrs.get(i).withPeerId(peer)).handle((c, e) -> e == null
                ? CompletableFuture.completedFuture(c) : dial(peer, addrs, i + 1, e)).thenCompose(x -> x);
    }

    @Override
    public CompletionStage<@Nullable KadMessage> send(PeerId peer, KadMessage request, boolean expectResponse) {
        CompletableFuture<@Nullable KadMessage> out = new CompletableFuture<>();
        connection(peer).thenCompose(c -> c.newStream(List.of(protocol))).whenComplete((stream, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
                return;
            }
            var timeout = timer.schedule(() -> {
                if (out.completeExceptionally(new RoutingException("no answer from " + peer + " within "
                        + timeoutMs + " ms"))) {
                    stream.reset();
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
            out.whenComplete((r, x) -> timeout.cancel(false));
            if (expectResponse) {
                stream.setReader(new VarintFrames.Reader(KadCodec.MAX_MESSAGE_SIZE, new VarintFrames.MessageHandler() {
                    @Override
                    public void onMessage(ByteBuffer message) {
                        byte[] bytes = new byte[message.remaining()];
                        message.get(bytes);
                        out.complete(KadCodec.decode(bytes)); // a MalformedDataException resets the stream
                        stream.close();
                    }

                    @Override
                    public void onClose(@Nullable Throwable cause) {
                        out.completeExceptionally(cause != null ? cause
                                : new RoutingException(peer + " closed the stream without answering"));
                    }
                }));
            }
            stream.write(VarintFrames.frame(KadCodec.encode(request))).whenComplete((v, x) -> {
                if (x != null) {
                    out.completeExceptionally(x);
                    stream.reset();
                } else if (!expectResponse) {
                    out.complete(null);
                    stream.close();
                }
            });
        });
        return out;
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        if (peer.equals(host.peerId())) {
            return host.listenAddresses();
        }
        List<Multiaddr> known = host.peerStore().addresses(peer);
        if (known.isEmpty()) {
            return host.connections(peer).stream().filter(c -> !c.isLimited()).map(c -> c.remoteAddress()
                    .withoutPeerId()).distinct().toList();
        }
        return known;
    }

    @Override
    public void addAddresses(PeerId peer, List<Multiaddr> addresses) {
        if (!peer.equals(host.peerId())) {
            host.peerStore().addAddresses(peer, addresses, ADDRESS_TTL);
        }
    }

    @Override
    public boolean isConnected(PeerId peer) {
        return host.connections(peer).stream().anyMatch(c -> c.isOpen());
    }
}
