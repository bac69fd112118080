package io.meshwork.libp2p.mdns.internal;

import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.peer.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mDNS for one host, outside or inside OSGi: the socket adapter driving the state machine, with found peers added
 * to the host's peer store, handed to {@code listeners}, and dialed when configured. {@link #close()} stops all
 * multicast before it returns.
 */
public final class MdnsNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MdnsNode.class);

    private final Host host;
    private final Consumer<DiscoveredPeer> listeners;
    private final MdnsDiscovery discovery;
    private final MdnsSocket socket;
    private final @Nullable PeerDialer dialer;

    /**
     * Opens the sockets and starts querying and answering.
     *
     * @param packetHook sees the sender of every datagram received (diagnostics and tests)
     * @throws IOException if the mDNS socket cannot be opened (e.g. the port is taken without SO_REUSEADDR)
     */
    public MdnsNode(MdnsConfig config, Host host, Consumer<DiscoveredPeer> listeners, Clock clock,
            Consumer<InetSocketAddress> packetHook) throws IOException {
        this.host = host;
        this.listeners = listeners;
        MdnsSettings settings = new MdnsSettings(config.dns_service_name(),
                Duration.ofMillis(config.query_interval_ms()), Duration.ofSeconds(config.record_ttl_s()),
                config.max_peers(), 16, 8932);
        this.dialer = config.dial_discovered()
                ? new PeerDialer(p -> !host.connections(p).isEmpty(), p -> host.connect(p.peer()),
                        config.max_concurrent_dials(), 4 * config.max_concurrent_dials(),
                        Duration.ofMillis(config.dial_retry_ms()), config.max_peers(), clock)
                : null;
        this.socket = new MdnsSocket(new MdnsSocket.Options(config.port(), config.ipv6(),
                List.of(config.interfaces()), Duration.ofMillis(config.start_delay_ms())), clock, packetHook);
        this.discovery = new MdnsDiscovery(settings, host.peerId(), host::listenAddresses,
                MdnsDiscovery.randomPeerName(), new MdnsDiscovery.Io() {
                    @Override
                    public void send(byte[] packet) {
                        socket.send(packet);
                    }

                    @Override
                    public void discovered(DiscoveredPeer peer) {
                        found(peer);
                    }
                });
        MdnsDiscovery d = discovery;
        socket.start(new MdnsSocket.Protocol() {
            @Override
            public void start(Instant now) {
                synchronized (d) {
                    d.start(now);
                }
            }

            @Override
            public void onPacket(byte[] data, int length, Instant now) {
                synchronized (d) {
                    d.onPacket(data, length, now);
                }
            }

            @Override
            public Instant poll(Instant now) {
                synchronized (d) {
                    return d.poll(now);
                }
            }
        });
        LOG.info("mDNS started: {} as {}, query every {} s, dialing {}", settings.serviceName(),
                discovery.peerName(), settings.queryInterval().getSeconds(), dialer != null ? "on" : "off");
    }

    private void found(DiscoveredPeer peer) {
        LOG.info("mDNS: found {} at {}", peer.peer(), peer.addresses());
        try {
            host.peerStore().addAddresses(peer.peer(), peer.addresses(), peer.ttl());
        } catch (RuntimeException e) {
            LOG.warn("mDNS: peer store refused {}: {}", peer.peer(), e.toString());
        }
        try {
            listeners.accept(peer);
        } catch (RuntimeException e) {
            LOG.warn("mDNS: a discovery listener failed", e);
        }
        if (dialer != null) {
            dialer.offer(peer);
        }
    }

    public String peerName() {
        return discovery.peerName();
    }

    public List<MdnsDiscovery.Entry> peers() {
        synchronized (discovery) {
            return discovery.peers();
        }
    }

    /** The addresses advertised now (empty: this node answers no query, e.g. it listens on loopback only). */
    public List<String> advertised() {
        synchronized (discovery) {
            return discovery.advertised();
        }
    }

    /** Joined interfaces, as {@code name/family}. */
    public List<String> interfaces() {
        return socket.interfaces();
    }

    public Map<String, Long> stats() {
        Map<String, Long> all = new LinkedHashMap<>();
        synchronized (discovery) {
            all.putAll(discovery.stats());
        }
        if (dialer != null) {
            all.putAll(new java.util.TreeMap<>(dialer.stats()));
        }
        return all;
    }

    public boolean dials() {
        return dialer != null;
    }

    /** Whether {@code peer} was found and is remembered now. */
    public boolean knows(PeerId peer) {
        return peers().stream().anyMatch(e -> e.peer().equals(peer));
    }

    @Override
    public void close() {
        socket.close();
        if (dialer != null) {
            dialer.close();
        }
        LOG.info("mDNS stopped");
    }
}
