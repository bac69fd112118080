package io.meshwork.libp2p.mdns.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin JDK NIO adapter under {@link MdnsDiscovery}: one UDP socket per address family bound to the mDNS port
 * (SO_REUSEADDR, so it shares the port with a system responder), joined to 224.0.0.251 (and ff02::fb when IPv6 is
 * on) on every eligible interface, and one thread that waits on a selector for packets and for the state machine's
 * next deadline. Eligible: up, multicast-capable, not loopback, not point-to-point, with a LAN address of the family
 * (see {@link LanAddresses}; IPv6 also link-local), and named in the allow-list if there is one. Interfaces are
 * re-scanned every {@value #RESCAN_SECONDS} seconds. {@link #close()} closes the sockets and the selector and waits
 * for the thread: nothing is sent after it returns. Nothing is joined or sent during the start delay.
 */
public final class MdnsSocket implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MdnsSocket.class);
    static final int RESCAN_SECONDS = 30;
    private static final int MAX_PACKETS_PER_ROUND = 64;
    public static final InetAddress GROUP_V4 = literal("224.0.0.251");
    public static final InetAddress GROUP_V6 = literal("ff02::fb");

    /** Socket options from configuration. */
    public record Options(int port, boolean ipv6, List<String> interfaces, Duration startDelay) {
        public Options {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (startDelay.isNegative()) {
                throw new IllegalArgumentException("negative start delay: " + startDelay);
            }
            interfaces = List.copyOf(interfaces);
        }
    }

    /** The state machine to drive, given the function that multicasts its packets. */
    public interface Protocol {
        void start(Instant now);

        void onPacket(byte[] data, int length, Instant now);

        Instant poll(Instant now);
    }

    private final Options options;
    private final Clock clock;
    private final Selector selector;
    private final List<Family> families = new ArrayList<>();
    private final Thread thread;
    private final Consumer<InetSocketAddress> packetHook;
    private volatile boolean closed;
    private @Nullable Protocol protocol;
    private volatile List<String> joined = List.of();

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One address family: its channel and memberships. */
    private final class Family {
        final InetAddress group;
        final DatagramChannel channel;
        final Map<NetworkInterface, MembershipKey> memberships = new HashMap<>();

        Family(InetAddress group, ProtocolFamily family) throws IOException {
            this.group = group;
            this.channel = DatagramChannel.open(family);
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(options.port()));
                channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255);
                channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, this);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        boolean v6() {
            return group instanceof Inet6Address;
        }

        void rescan(List<NetworkInterface> eligible) {
            Set<NetworkInterface> now = new HashSet<>(eligible);
            memberships.entrySet().removeIf(e -> {
                if (!now.contains(e.getKey())) {
                    e.getValue().drop();
                    LOG.info("mDNS: left {} on {}", group.getHostAddress(), e.getKey().getName());
                    return true;
                }
                return false;
            });
            for (NetworkInterface nif : eligible) {
                if (!memberships.containsKey(nif)) {
                    try {
                        memberships.put(nif, channel.join(group, nif));
                        LOG.info("mDNS: joined {} on {}", group.getHostAddress(), nif.getName());
                    } catch (IOException e) {
                        LOG.warn("mDNS: cannot join {} on {}: {}", group.getHostAddress(), nif.getName(), e.toString());
                    }
                }
            }
        }

        void send(byte[] packet) {
            for (NetworkInterface nif : memberships.keySet()) {
                try {
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                    channel.send(ByteBuffer.wrap(packet), new InetSocketAddress(group, options.port()));
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.debug("mDNS: send on {} failed: {}", nif.getName(), e.toString());
                }
            }
        }
    }

    /**
     * Opens the sockets (failing if no socket can be opened); {@link #start} begins sending.
     *
     * @param packetHook sees the sender of every datagram received (for tests and diagnostics)
     */
    public MdnsSocket(Options options, Clock clock, Consumer<InetSocketAddress> packetHook) throws IOException {
        this.options = options;
        this.clock = clock;
        this.packetHook = packetHook;
        this.selector = Selector.open();
        try {
            families.add(new Family(GROUP_V4, StandardProtocolFamily.INET));
            if (options.ipv6()) {
                try {
                    families.add(new Family(GROUP_V6, StandardProtocolFamily.INET6));
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.warn("mDNS: IPv6 socket unavailable, IPv4 only: {}", e.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.thread = new Thread(this::run, "meshwork-mdns");
        this.thread.setDaemon(true);
    }

    /** Multicasts {@code packet} on every joined interface. Only from the protocol's thread (its callbacks). */
    public void send(byte[] packet) {
        if (closed) {
            return;
        }
        for (Family f : families) {
            f.send(packet);
        }
    }

    /** Starts the thread that drives {@code protocol}. */
    public void start(Protocol protocol) {
        this.protocol = protocol;
        thread.start();
    }

    /** Interfaces joined now, as {@code name/family}. */
    public List<String> interfaces() {
        return joined;
    }

    private void rescan() {
        List<String> names = new ArrayList<>();
        for (Family f : families) {
            List<NetworkInterface> eligible = eligible(f.v6());
            f.rescan(eligible);
            f.memberships.keySet().forEach(n -> names.add(n.getName() + (f.v6() ? "/ipv6" : "/ipv4")));
        }
        Collections.sort(names);
        joined = List.copyOf(names);
        if (names.isEmpty()) {
            LOG.info("mDNS: no eligible interface (up, multicast, LAN address{}); nothing is sent",
                    options.interfaces().isEmpty() ? "" : ", in " + options.interfaces());
        }
    }

    List<NetworkInterface> eligible(boolean v6) {
        List<NetworkInterface> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.isPointToPoint() || !nif.supportsMulticast()
                        || !options.interfaces().isEmpty() && !options.interfaces().contains(nif.getName())) {
                    continue;
                }
                boolean lan = false;
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    lan |= v6 ? a instanceof Inet6Address && (a.isLinkLocalAddress() || LanAddresses.isLan(a))
                            : a instanceof Inet4Address && LanAddresses.isLan(a);
                }
                if (lan) {
                    out.add(nif);
                }
            }
        } catch (SocketException e) {
            LOG.warn("mDNS: cannot list network interfaces: {}", e.toString());
        }
        return out;
    }

    private void run() {
        Protocol p = protocol;
        ByteBuffer buffer = ByteBuffer.allocate(io.meshwork.libp2p.mdns.internal.dns.DnsCodec.MAX_PACKET + 1);
        Instant nextRescan = Instant.MIN;
        try {
            waitBeforeStart(buffer);
            if (closed) {
                return;
            }
            rescan();
            nextRescan = clock.instant().plusSeconds(RESCAN_SECONDS);
            p.start(clock.instant());
            while (!closed) {
                Instant now = clock.instant();
                if (!now.isBefore(nextRescan)) {
                    rescan();
                    nextRescan = now.plusSeconds(RESCAN_SECONDS);
                }
                Instant next = p.poll(now);
                if (next.isAfter(nextRescan)) {
                    next = nextRescan;
                }
                long wait = Math.max(1, Duration.between(clock.instant(), next).toMillis());
                selector.select(wait);
                if (closed) {
                    break;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Family f = (Family) key.attachment();
                    for (int i = 0; i < MAX_PACKETS_PER_ROUND; i++) {
                        buffer.clear();
                        InetSocketAddress from = (InetSocketAddress) f.channel.receive(buffer);
                        if (from == null) {
                            break;
                        }
                        if (f.v6() && from.getAddress() instanceof Inet4Address) {
                            continue; // a dual-stack IPv6 socket also gets the IPv4 packets: the IPv4 socket has them
                        }
                        packetHook.accept(from);
                        // A datagram longer than the buffer is cut to MAX_PACKET + 1 bytes; the decoder rejects it.
                        p.onPacket(buffer.array(), buffer.position(), clock.instant());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (ClosedSelectorException | ClosedChannelException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("mDNS stopped after an unexpected failure", e);
            }
        } finally {
            closeQuietly();
        }
    }

    /**
     * Waits out the start delay without joining or sending (so a configuration that turns mDNS off at start-up
     * arrives before anything is multicast); unicast datagrams arriving meanwhile are dropped.
     */
    private void waitBeforeStart(ByteBuffer buffer) throws IOException {
        Instant end = clock.instant().plus(options.startDelay());
        while (!closed) {
            long wait = Duration.between(clock.instant(), end).toMillis();
            if (wait <= 0) {
                return;
            }
            selector.select(wait);
            for (SelectionKey key : selector.selectedKeys()) {
                Family f = (Family) key.attachment();
                for (int i = 0; i < MAX_PACKETS_PER_ROUND; i++) {
                    buffer.clear();
                    if (f.channel.receive(buffer) == null) {
                        break;
                    }
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private void closeQuietly() {
        for (Family f : families) {
            try {
                f.channel.close();
            } catch (IOException e) {
                LOG.debug("mDNS: closing a socket: {}", e.toString());
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("mDNS: closing the selector: {}", e.toString());
        }
    }

    /** Stops the thread, closes the sockets; returns when nothing more will be sent. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("mDNS thread did not stop within 5 s");
                thread.interrupt();
            }
        }
        closeQuietly();
    }
}
