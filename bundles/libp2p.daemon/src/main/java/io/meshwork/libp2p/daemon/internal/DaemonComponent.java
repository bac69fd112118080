package io.meshwork.libp2p.daemon.internal;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.pubsub.PubSub;
import io.meshwork.libp2p.api.routing.ContentRouting;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.ValueStore;
import io.meshwork.libp2p.api.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Hashtable;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the libp2p daemon control protocol when configured (PID {@value #PID}; no configuration, no socket).
 * Also a {@link MetricsSource} (requests by type, errors, open connections, handlers, dropped pubsub messages).
 * Prints {@code Control socket: <multiaddr>} on standard output once listening, as go-p2pd does, so tools that
 * spawn daemons know when and where to connect. Stream handlers registered by clients become whiteboard
 * {@link StreamHandler} services (also on limited, i.e. relayed, connections). The host reference's target can be
 * set in the configuration ({@code host.target}), so the daemon starts only with the host configured for it.
 * Deactivation closes the socket, every control connection, spliced stream and subscription, and unregisters the
 * handlers.
 */
@Component(service = MetricsSource.class, immediate = true, configurationPid = DaemonComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DaemonConfig.class)
public final class DaemonComponent implements MetricsSource {

    public static final String PID = "io.meshwork.libp2p.daemon";
    private static final Logger LOG = LoggerFactory.getLogger(DaemonComponent.class);
    private static final long ANNOUNCE_SETTLE_NANOS = 100_000_000L;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile @Nullable PubSub pubsub;

    // the DHT (libp2p.kad) serves all three; without it DHT requests answer "DHT not available in this build"
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile @Nullable PeerRouting peerRouting;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile @Nullable ContentRouting contentRouting;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile @Nullable ValueStore valueStore;

    private final ControlServer server;

    @Activate
    public DaemonComponent(BundleContext context, @Reference(name = "host") Host host,
                           @Reference(name = "transport", target = "(" + Transport.PROTOCOL + "=tcp)")
                           Transport tcp, DaemonConfig config) throws IOException {
        Multiaddr listen;
        try {
            listen = Multiaddr.parse(config.listen());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid control socket address '" + config.listen() + "' in "
                    + PID + ": " + e.getMessage(), e);
        }
        InetSocketAddress bind = listen.toInetSocketAddress().filter(a -> listen.components().size() == 2)
                .orElseThrow(() -> new IllegalArgumentException("control socket " + listen + " in " + PID
                        + " must be /ip4|ip6/<address>/tcp/<port> (unix sockets are not supported)"));
        HandlerRegistrar registrar = (protocols, handler) -> {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(StreamHandler.PROTOCOL, protocols.toArray(new String[0]));
            props.put(StreamHandler.ALLOW_LIMITED, Boolean.TRUE);
            ServiceRegistration<StreamHandler> reg = context.registerService(StreamHandler.class, handler, props);
            return () -> {
                try {
                    reg.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping
                }
            };
        };
        this.server = new ControlServer(host, () -> pubsub, new DhtRequests(() -> peerRouting, () -> contentRouting,
                () -> valueStore, config.dht_enabled()), registrar,
                ControlServer.Settings.of(config), bind);
        LOG.info("libp2p daemon control socket on {} for {}", server.multiaddr(), host.peerId());
        // Ready when the host can dial TCP (the transport reference above; the host binds the same service in the
        // same service event, so one more timer tick covers that) and, if asked, listens on a transport address.
        long since = System.nanoTime();
        server.announceWhen(() -> System.nanoTime() - since >= ANNOUNCE_SETTLE_NANOS
                && (!config.await_listen_addresses() || host.listenAddresses().stream()
                        .anyMatch(a -> a.toInetSocketAddress().isPresent())), 10_000, () -> announce(host));
    }

    /** What go-p2pd prints when ready; tools wait for the first line. */
    private void announce(Host host) {
        StringBuilder text = new StringBuilder();
        text.append("Control socket: ").append(server.multiaddr()).append(System.lineSeparator());
        text.append("Peer ID: ").append(host.peerId()).append(System.lineSeparator());
        text.append("Peer Addrs:").append(System.lineSeparator());
        List<Multiaddr> addrs = host.listenAddresses();
        addrs.forEach(a -> text.append(a).append(System.lineSeparator()));
        System.out.print(text);
        System.out.flush();
    }

    /** Open control connections, registered handlers, requests by type, errors and dropped pubsub messages. */
    @Override
    public void collect(MetricsWriter out) {
        out.gauge("meshwork_daemon_connections", "Open p2pd control connections (incl. streams, subscriptions)",
                server.openConnections());
        out.gauge("meshwork_daemon_stream_handlers", "Protocols registered through STREAM_HANDLER",
                server.registeredHandlers());
        server.requests().forEach((type, n) -> out.counter("meshwork_daemon_requests_total",
                "p2pd control requests by type", n, "type", type));
        out.counter("meshwork_daemon_errors_total", "p2pd ERROR responses", server.errors());
        out.counter("meshwork_daemon_pubsub_dropped_total", "Pubsub messages dropped for slow subscribers",
                server.droppedMessages());
    }

    @Deactivate
    void deactivate() {
        server.close();
        LOG.info("libp2p daemon control socket closed");
    }
}
