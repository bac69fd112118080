package io.meshwork.libp2p.transport.tcp.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP {@link Transport}: {@code /ip4|ip6/<address>/tcp/<port>} (plus {@code /p2p/<id>} when dialing) on
 * Netty, with native epoll when available and NIO otherwise.
 *
 * <p>Each component instance owns one event-loop group; deactivation closes every listener, connection and
 * pending dial, then shuts the group down (bounded wait). With epoll and {@code reuse_port}, listeners set
 * SO_REUSEPORT and dials leave from a listener's port, so that the remote sees the same port it would dial back
 * (needed for hole punching).
 *
 * <p>Thread-safe. {@link #listen} blocks briefly while binding and must not be called from this transport's
 * event loops.
 */
@Component(service = Transport.class, configurationPid = TcpTransport.PID,
        property = Transport.PROTOCOL + "=" + TcpTransport.PROTOCOL_NAME)
@Designate(ocd = TcpConfig.class)
public final class TcpTransport implements Transport {

    static final String PID = "io.meshwork.libp2p.transport.tcp";
    static final String PROTOCOL_NAME = "tcp";

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final TcpSettings settings;
    private final boolean nativeEpoll;
    private final String threadNamePrefix;
    private final MultiThreadIoEventLoopGroup group;
    private final Set<TcpListener> listeners = ConcurrentHashMap.newKeySet();
    private final Set<NettyRawConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<DialAttempt> dials = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    @Activate
    public TcpTransport(TcpConfig config) {
        this(TcpSettings.from(config));
    }

    TcpTransport(TcpSettings settings) {
        this.settings = settings;
        this.threadNamePrefix = "libp2p-tcp-" + INSTANCES.incrementAndGet();
        boolean epoll = settings.preferNative() && Epoll.isAvailable();
        IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.nativeEpoll = epoll;
        this.group = new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(),
                new DefaultThreadFactory(threadNamePrefix, true), ioHandler);
        if (epoll) {
            LOG.info("TCP transport uses native epoll, {} event loop threads, SO_REUSEPORT {}",
                    settings.eventLoopThreads(), settings.reusePort() ? "on" : "off");
        } else if (settings.preferNative()) {
            LOG.info("TCP transport uses Java NIO ({} event loop threads): native epoll is unavailable: {}",
                    settings.eventLoopThreads(), String.valueOf(Epoll.unavailabilityCause()));
        } else {
            LOG.info("TCP transport uses Java NIO ({} event loop threads): prefer_native is off",
                    settings.eventLoopThreads());
        }
    }

    /** Closes every listener, connection and pending dial, then stops the event loops (bounded wait). */
    @Deactivate
    public void deactivate() {
        stopped = true;
        for (TcpListener listener : List.copyOf(listeners)) {
            listener.close();
        }
        for (DialAttempt dial : List.copyOf(dials)) {
            dial.abort(new IOException("the TCP transport stopped"));
        }
        for (NettyRawConnection connection : List.copyOf(connections)) {
            connection.abort(new DuplexClosedException("the TCP transport stopped"), false);
        }
        long timeout = settings.shutdownTimeoutMillis();
        Future<?> terminated = group.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS);
        if (inEventLoop()) {
            LOG.warn("TCP transport deactivated from its own event loop; not waiting for the loops to end");
        } else if (!terminated.awaitUninterruptibly(timeout + 1_000)) {
            LOG.warn("TCP transport event loops did not terminate within {} ms", timeout);
        }
        LOG.debug("TCP transport {} stopped", threadNamePrefix);
    }

    // ---------------------------------------------------------------------------------------------- addresses

    @Override
    public boolean canDial(Multiaddr address) {
        return isTcpAddress(address, true) && port(address) != 0;
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isTcpAddress(address, false);
    }

    /** {@code /ip4|ip6/<a>/tcp/<p>}, optionally followed by {@code /p2p/<id>}; nothing else (no DNS yet). */
    private static boolean isTcpAddress(Multiaddr address, boolean allowPeerId) {
        // Not imported: the name clashes with the DS annotation.
        List<io.meshwork.libp2p.api.multiaddr.Component> components = address.components();
        if (components.size() < 2 || components.size() > (allowPeerId ? 3 : 2)) {
            return false;
        }
        Protocol ip = components.get(0).protocol();
        if ((ip != Protocol.IP4 && ip != Protocol.IP6) || components.get(1).protocol() != Protocol.TCP) {
            return false;
        }
        return components.size() == 2 || components.get(2).protocol() == Protocol.P2P;
    }

    private static int port(Multiaddr address) {
        return Integer.parseInt(address.components().get(1).valueString());
    }

    private static InetSocketAddress socketAddress(Multiaddr address) {
        return address.toInetSocketAddress().orElseThrow(() -> new IllegalArgumentException(
                "no socket address in " + address));
    }

    // ---------------------------------------------------------------------------------------------- dialing

    @Override
    public CompletionStage<RawConnection> dial(Multiaddr address, Duration timeout) {
        if (!canDial(address)) {
            return CompletableFuture.failedFuture(new IOException("the TCP transport cannot dial " + address
                    + ": it dials /ip4|ip6/<address>/tcp/<port>[/p2p/<id>] with a non-zero port"));
        }
        if (stopped) {
            return CompletableFuture.failedFuture(new IOException("cannot dial " + address
                    + ": the TCP transport is stopped"));
        }
        InetSocketAddress remote = socketAddress(address);
        long timeoutMillis = timeout.isZero() || timeout.isNegative()
                ? settings.connectTimeoutMillis()
                : timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0
                        ? Integer.MAX_VALUE : Math.max(1, timeout.toMillis());
        DialAttempt dial = new DialAttempt(this, address, remote, timeoutMillis);
        dials.add(dial);
        dial.result().whenComplete((connection, failure) -> dials.remove(dial));
        dial.start(listenPortAddressFor(remote));
        if (stopped) {
            dial.abort(new IOException("cannot dial " + address + ": the TCP transport stopped"));
        }
        return dial.result();
    }

    /**
     * The address to bind an outgoing socket to so that it leaves from a listener's port, or null for an
     * ephemeral port: the first listener of the remote's IP family whose address can reach the remote, unless
     * dialing from it would connect the socket to itself.
     */
    private @Nullable InetSocketAddress listenPortAddressFor(InetSocketAddress remote) {
        if (!nativeEpoll || !settings.reusePort() || !settings.dialFromListenPort()) {
            return null;
        }
        InetAddress remoteIp = remote.getAddress();
        boolean remoteIsV6 = remoteIp instanceof Inet6Address;
        for (TcpListener listener : listeners) {
            InetSocketAddress bound = listener.boundAddress();
            InetAddress ip = bound.getAddress();
            if ((ip instanceof Inet6Address) != remoteIsV6 || !listener.isOpen()) {
                continue;
            }
            if (!ip.isAnyLocalAddress() && ip.isLoopbackAddress() != remoteIp.isLoopbackAddress()) {
                continue;
            }
            if (bound.getPort() == remote.getPort() && isLocal(remoteIp, ip)) {
                continue;
            }
            return bound;
        }
        return null;
    }

    private static boolean isLocal(InetAddress remote, InetAddress listenIp) {
        if (remote.isLoopbackAddress() || remote.isAnyLocalAddress() || remote.equals(listenIp)) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(remote) != null;
        } catch (SocketException e) {
            LOG.debug("Cannot tell whether {} is local; dialing it from an ephemeral port", remote, e);
            return true;
        }
    }

    /** A bootstrap for one outgoing channel; {@code created} receives its connection when it registers. */
    Bootstrap dialBootstrap(boolean reusePort, int connectTimeoutMillis, Consumer<NettyRawConnection> created) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(nativeEpoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        created.accept(newConnection(channel, Direction.OUTBOUND, null));
                    }
                });
        connectionOptions(bootstrap);
        if (reusePort) {
            // SO_REUSEPORT is set on the socket before binding (see enableReusePort): Netty's epoll socket
            // channel config does not accept it as an option.
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        return bootstrap;
    }

    /** Sets SO_REUSEPORT on an (unbound) epoll socket channel; call on its event loop. */
    static void enableReusePort(Channel channel) throws IOException {
        FileDescriptor fd = channel instanceof UnixChannel ? ((UnixChannel) channel).fd() : null;
        if (!(fd instanceof Socket)) {
            throw new IOException("SO_REUSEPORT needs a native socket channel, not " + channel.getClass().getName());
        }
        ((Socket) fd).setReusePort(true);
    }

    private void connectionOptions(AbstractBootstrap<?, ?> bootstrap) {
        bootstrap.option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, settings.tcpNoDelay())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeLowWaterMark(), settings.writeHighWaterMark()));
    }

    private NettyRawConnection newConnection(Channel channel, Direction direction,
            @Nullable Consumer<RawConnection> acceptor) {
        NettyRawConnection connection = new NettyRawConnection(channel, direction, settings, acceptor);
        connections.add(connection);
        connection.channelCloseFuture().addListener(closed -> connections.remove(connection));
        channel.pipeline().addLast(connection.handler());
        if (stopped) {
            channel.close();
        }
        return connection;
    }

    // ---------------------------------------------------------------------------------------------- listening

    @Override
    public Listener listen(Multiaddr address, Consumer<RawConnection> acceptor) throws IOException {
        if (!canListen(address)) {
            throw new IOException("the TCP transport cannot listen on " + address
                    + ": it listens on /ip4|ip6/<address>/tcp/<port>");
        }
        if (stopped) {
            throw new IOException("cannot listen on " + address + ": the TCP transport is stopped");
        }
        if (inEventLoop()) {
            throw new IllegalStateException("listen() blocks while binding; call it off the TCP event loops");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(nativeEpoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, settings.tcpNoDelay())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeLowWaterMark(), settings.writeHighWaterMark()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        newConnection(channel, Direction.INBOUND, acceptor);
                    }
                });
        if (nativeEpoll && settings.reusePort()) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bind = bootstrap.bind(socketAddress(address));
        if (!bind.awaitUninterruptibly(settings.connectTimeoutMillis())) {
            bind.channel().close();
            throw new IOException("binding " + address + " did not complete within "
                    + settings.connectTimeoutMillis() + " ms");
        }
        if (!bind.isSuccess()) {
            Throwable cause = bind.cause();
            throw new IOException("cannot listen on " + address + ": " + cause.getMessage(), cause);
        }
        Channel channel = bind.channel();
        SocketAddress bound = channel.localAddress();
        if (!(bound instanceof InetSocketAddress)) {
            channel.close();
            throw new IOException("listener on " + address + " closed as it was bound");
        }
        // Report the address asked for with the actual port: a dual-stack epoll socket bound to 0.0.0.0 reports
        // itself as "::", which is not what /ip4/0.0.0.0 listens on.
        InetSocketAddress reported = new InetSocketAddress(socketAddress(address).getAddress(),
                ((InetSocketAddress) bound).getPort());
        TcpListener listener = new TcpListener(channel, reported, listeners::remove,
                settings.closeTimeoutMillis());
        listeners.add(listener);
        if (stopped) {
            listener.close();
            throw new IOException("cannot listen on " + address + ": the TCP transport stopped");
        }
        LOG.debug("Listening on {}", listener.address());
        return listener;
    }

    // ---------------------------------------------------------------------------------------------- state

    private boolean inEventLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the native epoll transport is in use. */
    boolean isNativeEpoll() {
        return nativeEpoll;
    }

    /** The prefix of this instance's event-loop thread names. */
    String threadNamePrefix() {
        return threadNamePrefix;
    }

    /** Connections whose socket is still open, including those of dials in progress. */
    int openConnectionCount() {
        return connections.size();
    }

    int listenerCount() {
        return listeners.size();
    }

    @Override
    public String toString() {
        return "TcpTransport[" + threadNamePrefix + (nativeEpoll ? ", epoll" : ", nio") + "]";
    }
}
