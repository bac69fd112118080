package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Libp2pException;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An upgraded connection: a muxer session over a secured transport connection. Thread-safe. */
final class ConnectionImpl implements Connection {

    private final String id;
    private final PeerId remotePeer;
    private final PublicKey remoteKey;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final Direction direction;
    private final String security;
    private final String muxer;
    private final Instant openedAt;
    private final boolean limited;
    private final StreamOpener opener;
    private final Map<String, StreamImpl> streams = new ConcurrentHashMap<>();
    private final AtomicLong streamIds = new AtomicLong();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile StreamMuxer.Session session;

    /** How the host negotiates protocols on a fresh outbound stream of this connection. */
    interface StreamOpener {
        CompletionStage<Stream> open(ConnectionImpl connection, Duplex raw, List<String> protocols);
    }

    ConnectionImpl(String id, PeerId remotePeer, PublicKey remoteKey, Multiaddr localAddress,
                   Multiaddr remoteAddress, Direction direction, String security, String muxer, Instant openedAt,
                   boolean limited, StreamOpener opener) {
        this.id = id;
        this.remotePeer = remotePeer;
        this.remoteKey = remoteKey;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.direction = direction;
        this.security = security;
        this.muxer = muxer;
        this.openedAt = openedAt;
        this.limited = limited;
        this.opener = opener;
    }

    void attach(StreamMuxer.Session s) {
        this.session = s;
        s.closeFuture().whenComplete((v, e) -> {
            if (e == null) {
                closeFuture.complete(null);
            } else {
                closeFuture.completeExceptionally(e);
            }
        });
    }

    String nextStreamId() {
        return Long.toString(streamIds.incrementAndGet());
    }

    StreamImpl track(StreamImpl stream) {
        streams.put(stream.id(), stream);
        stream.closeFuture().whenComplete((v, e) -> streams.remove(stream.id()));
        return stream;
    }

    int trackedStreams() {
        return streams.size();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public String security() {
        return security;
    }

    @Override
    public String muxer() {
        return muxer;
    }

    @Override
    public boolean isLimited() {
        return limited;
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public List<Stream> streams() {
        return List.copyOf(streams.values());
    }

    @Override
    public CompletionStage<Stream> newStream(List<String> protocols) {
        StreamMuxer.Session s = session;
        if (s == null || !s.isOpen()) {
            return CompletableFuture.failedFuture(new Libp2pException("connection " + id + " to " + remotePeer
                    + " is closed"));
        }
        return s.openStream().thenCompose(raw -> opener.open(this, raw, protocols));
    }

    @Override
    public boolean isOpen() {
        StreamMuxer.Session s = session;
        return s != null && s.isOpen();
    }

    @Override
    public CompletionStage<Void> close() {
        StreamMuxer.Session s = session;
        if (s != null) {
            s.close();
        }
        return closeFuture.handle((v, e) -> null);
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + direction + " " + remotePeer + " " + remoteAddress + "]";
    }
}
