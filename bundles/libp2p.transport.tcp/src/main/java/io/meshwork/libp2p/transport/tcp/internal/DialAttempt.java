package io.meshwork.libp2p.transport.tcp.internal;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outgoing connect: first from a listener's port when {@link TcpTransport} offers one, then, if that fails
 * for any reason but the timeout, once more from an ephemeral port within the same deadline.
 *
 * <p>Whoever completes {@link #result()} first wins. If the caller cancels it (or the transport stops) before the
 * connect completes, the socket is closed; a connection that completes too late is closed as well. Thread-safe:
 * Netty callbacks run on the channel's loop, cancellation may come from any thread.
 */
final class DialAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(DialAttempt.class);

    private final TcpTransport transport;
    private final Multiaddr address;
    private final InetSocketAddress remote;
    private final long timeoutMillis;
    private final long deadlineNanos;
    private final CompletableFuture<RawConnection> result = new CompletableFuture<>();
    private volatile @Nullable Channel channel;
    // The connection of the current channel, created when it registers; used on that channel's loop only.
    private @Nullable NettyRawConnection connection;

    DialAttempt(TcpTransport transport, Multiaddr address, InetSocketAddress remote, long timeoutMillis) {
        this.transport = transport;
        this.address = address;
        this.remote = remote;
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    CompletableFuture<RawConnection> result() {
        return result;
    }

    void start(@Nullable InetSocketAddress listenPortAddress) {
        result.whenComplete((connection, failure) -> {
            if (failure != null) {
                closeChannel();
            }
        });
        attempt(listenPortAddress);
    }

    /** Fails the dial (if still pending) and closes its socket. */
    void abort(IOException cause) {
        result.completeExceptionally(cause);
        closeChannel();
    }

    private void closeChannel() {
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    private void attempt(@Nullable InetSocketAddress localAddress) {
        if (result.isDone()) {
            return;
        }
        long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remainingMillis <= 0) {
            fail(new ConnectTimeoutException("no time left"));
            return;
        }
        Bootstrap bootstrap = transport.dialBootstrap(localAddress != null, (int) remainingMillis,
                created -> connection = created);
        ChannelFuture registration = bootstrap.register();
        Channel current = registration.channel();
        channel = current;
        if (result.isDone()) {
            // Cancelled while we were creating the channel; whenComplete may have missed it.
            current.close();
            return;
        }
        registration.addListener(registered -> {
            if (!registered.isSuccess()) {
                current.close();
                fail(registered.cause());
            } else if (localAddress == null) {
                connect(current, false);
            } else {
                try {
                    TcpTransport.enableReusePort(current);
                } catch (IOException e) {
                    LOG.debug("Cannot set SO_REUSEPORT to dial {} from the listen port; using an ephemeral port",
                            address, e);
                    current.close();
                    attempt(null);
                    return;
                }
                current.bind(localAddress).addListener(bound -> {
                    if (bound.isSuccess()) {
                        connect(current, true);
                    } else {
                        LOG.debug("Cannot bind {} to dial {} from the listen port; using an ephemeral port",
                                localAddress, address, bound.cause());
                        current.close();
                        attempt(null);
                    }
                });
            }
        });
    }

    private void connect(Channel current, boolean fromListenPort) {
        NettyRawConnection created = connection;
        if (result.isDone() || created == null) {
            current.close();
            return;
        }
        current.connect(remote).addListener(connected -> {
            if (connected.isSuccess()) {
                if (!created.capture()) {
                    fail(new IOException("connection closed as it was established"));
                } else if (!result.complete(created)) {
                    // Cancelled or timed out meanwhile: nobody will own this connection.
                    current.close();
                }
                return;
            }
            current.close();
            Throwable cause = connected.cause();
            if (fromListenPort && !(cause instanceof ConnectTimeoutException) && !result.isDone()) {
                // E.g. the 4-tuple is taken by an earlier connection from the same port to the same peer.
                LOG.debug("Dial to {} from the listen port failed ({}); retrying from an ephemeral port", address,
                        cause.toString());
                attempt(null);
                return;
            }
            fail(cause);
        });
    }

    private void fail(Throwable cause) {
        if (result.isDone()) {
            return;
        }
        IOException failure;
        if (cause instanceof ConnectTimeoutException) {
            failure = new SocketTimeoutException("connecting to " + address + " timed out after " + timeoutMillis
                    + " ms");
            failure.initCause(cause);
        } else {
            failure = new IOException("cannot connect to " + address + ": " + cause.getMessage(), cause);
        }
        result.completeExceptionally(failure);
        closeChannel();
    }
}
