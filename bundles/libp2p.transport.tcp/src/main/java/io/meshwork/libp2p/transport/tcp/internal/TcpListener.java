package io.meshwork.libp2p.transport.tcp.internal;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.spi.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bound server channel. Thread-safe; {@link #close()} is idempotent. */
final class TcpListener implements Transport.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

    private final Channel channel;
    private final InetSocketAddress boundAddress;
    private final Multiaddr address;
    private final Consumer<TcpListener> onClose;
    private final long closeWaitMillis;

    TcpListener(Channel channel, InetSocketAddress boundAddress, Consumer<TcpListener> onClose, long closeWaitMillis) {
        this.channel = channel;
        this.boundAddress = boundAddress;
        this.address = Multiaddr.fromInetSocketAddress(boundAddress, Protocol.TCP);
        this.onClose = onClose;
        this.closeWaitMillis = closeWaitMillis;
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    /** The socket address actually bound (the port is never 0). */
    InetSocketAddress boundAddress() {
        return boundAddress;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Stops accepting. Off the event loop this waits (bounded) until the socket is closed, so that the port is
     * free when it returns.
     */
    @Override
    public void close() {
        onClose.accept(this);
        if (!channel.isOpen()) {
            return;
        }
        ChannelFuture closing = channel.close();
        if (!inAnyLoop() && !closing.awaitUninterruptibly(closeWaitMillis)) {
            LOG.warn("Listener on {} did not close within {} ms", address, closeWaitMillis);
        } else {
            LOG.debug("Listener on {} closed", address);
        }
    }

    private boolean inAnyLoop() {
        for (EventExecutor executor : channel.eventLoop().parent()) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TcpListener[" + address + "]";
    }
}
