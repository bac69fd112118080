package io.meshwork.libp2p.relay.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A relayed connection as the host sees it: the hop or stop stream after a successful handshake, carrying the
 * relayed bytes. The stream was left paused by {@link Handshake}; the first {@link #setReader} delivers the bytes
 * that arrived behind the handshake and resumes it. Confined to the stream's executor like the stream.
 */
public final class CircuitConnection implements RawConnection {

    private final Duplex stream;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final Direction direction;
    private final boolean limited;
    private ByteBuffer leftover;
    private boolean handedOver;
    private boolean ownerPaused;

    public CircuitConnection(Duplex stream, ByteBuffer leftover, Multiaddr local, Multiaddr remote,
                             Direction direction, boolean limited) {
        this.stream = stream;
        this.leftover = leftover;
        this.local = local;
        this.remote = remote;
        this.direction = direction;
        this.limited = limited;
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public boolean isLimited() {
        return limited;
    }

    @Override
    public Executor executor() {
        return stream.executor();
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        return stream.write(data);
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        return stream.closeWrite();
    }

    @Override
    public void reset() {
        stream.reset();
    }

    @Override
    public void close() {
        stream.close();
    }

    @Override
    public void setReader(DuplexReader reader) {
        stream.executor().execute(() -> {
            if (!handedOver) {
                handedOver = true;
                if (leftover.hasRemaining()) {
                    ByteBuffer first = leftover;
                    leftover = ByteBuffer.allocate(0);
                    reader.onData(first);
                }
                stream.setReader(reader);
                if (!ownerPaused) {
                    stream.resumeReading();
                }
            } else {
                stream.setReader(reader);
            }
        });
    }

    @Override
    public void pauseReading() {
        stream.executor().execute(() -> {
            ownerPaused = true;
            stream.pauseReading();
        });
    }

    @Override
    public void resumeReading() {
        stream.executor().execute(() -> {
            ownerPaused = false;
            if (handedOver) {
                stream.resumeReading();
            }
        });
    }

    @Override
    public boolean isOpen() {
        return stream.isOpen();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return stream.closeFuture();
    }

    @Override
    public String toString() {
        return "circuit " + direction + " " + remote;
    }
}
