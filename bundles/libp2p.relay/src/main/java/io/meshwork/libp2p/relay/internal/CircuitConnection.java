package io.meshwork.libp2p.relay.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.StreamResetException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.relay.internal.proto.Limit;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A relayed connection as the host sees it: the hop or stop stream after a successful handshake, carrying the
 * relayed bytes. The stream was left paused by {@link Handshake}; the first {@link #setReader} delivers the bytes
 * that arrived behind the handshake and resumes it. Confined to the stream's executor like the stream.
 *
 * <p>A reset of the stream reaches the host's reader as a {@link StreamResetException} that names the relay and the
 * limits it announced for this circuit (relays reset circuits that exceed them), with the original reset as cause:
 * otherwise the host would only learn that some muxer stream of the relay connection was reset.
 */
public final class CircuitConnection implements RawConnection {

    private final Duplex stream;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final Direction direction;
    private final boolean limited;
    private final @Nullable Limit limit;
    private final PeerId relay;
    private ByteBuffer leftover;
    private boolean handedOver;
    private boolean ownerPaused;

    /** {@code limit}: as the relay announced it (null: none, i.e. unlimited). */
    public CircuitConnection(Duplex stream, ByteBuffer leftover, Multiaddr local, Multiaddr remote,
                             Direction direction, @Nullable Limit limit, PeerId relay) {
        this.stream = stream;
        this.leftover = leftover;
        this.local = local;
        this.remote = remote;
        this.direction = direction;
        this.limit = limit;
        this.limited = limit != null && !limit.isUnlimited();
        this.relay = relay;
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
    public void setReader(DuplexReader owner) {
        DuplexReader reader = new Explaining(owner);
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

    /** {@code cause} as the host's reader gets it: a reset names the relay and this circuit's limits. */
    Throwable explain(Throwable cause) {
        if (!(cause instanceof StreamResetException reset)) {
            return cause;
        }
        String limits = limited ? "the relay announced a limit of " + limit + " for it" : "the relay announced no limit";
        StreamResetException e = new StreamResetException("circuit via relay " + relay + " was reset (" + limits
                + "; a relay resets circuits that exceed their limits, or the relay or the remote peer went away): "
                + reset.getMessage(), reset.errorCode());
        e.initCause(reset);
        return e;
    }

    private final class Explaining implements DuplexReader {
        private final DuplexReader owner;

        Explaining(DuplexReader owner) {
            this.owner = owner;
        }

        @Override
        public void onData(ByteBuffer data) {
            owner.onData(data);
        }

        @Override
        public void onEnd() {
            owner.onEnd();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            owner.onClose(cause == null ? null : explain(cause));
        }
    }
}
