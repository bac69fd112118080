package io.meshwork.libp2p.mdns.internal;

import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.discovery.DiscoveryListener;
import io.meshwork.libp2p.api.host.Host;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mDNS discovery as a DS component: runs an {@link MdnsNode} for the {@link Host} while enabled, and publishes found
 * peers to every {@link DiscoveryListener} service (whiteboard; a listener with the {@link
 * DiscoveryListener#SOURCES} property hears only the sources it names). Deactivation (bundle stop, configuration
 * change, host gone) closes the sockets and the thread before it returns: no multicast after that.
 */
@Component(service = MdnsComponent.class, immediate = true, configurationPid = MdnsComponent.PID)
@Designate(ocd = MdnsConfig.class)
public final class MdnsComponent {

    public static final String PID = "io.meshwork.libp2p.mdns";
    private static final Logger LOG = LoggerFactory.getLogger(MdnsComponent.class);

    private record Listener(DiscoveryListener listener, @Nullable Collection<String> sources) {
    }

    /**
     * Framework (or system) property: {@code false} keeps mDNS off whatever the configuration says, from the first
     * instant (for tests of the runtimes and for machines that must never multicast).
     */
    public static final String ENABLED_PROPERTY = PID + ".enabled";

    private final Host host;
    private final MdnsConfig config;
    private final boolean switchedOff;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile @Nullable MdnsNode node;

    @Activate
    public MdnsComponent(BundleContext context, @Reference Host host, MdnsConfig config) {
        this.host = host;
        this.config = config;
        this.switchedOff = "false".equalsIgnoreCase(String.valueOf(context.getProperty(ENABLED_PROPERTY)).strip());
    }

    @Activate
    void activate() {
        if (switchedOff) {
            LOG.info("mDNS off: framework property {}=false", ENABLED_PROPERTY);
            return;
        }
        if (!config.enabled()) {
            LOG.info("mDNS disabled by configuration ({})", PID);
            return;
        }
        try {
            node = new MdnsNode(config, host, this::publish, Clock.systemUTC(), from -> { });
        } catch (IOException | RuntimeException e) {
            LOG.warn("mDNS could not start (UDP port {}): {}", config.port(), e.toString());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(DiscoveryListener listener, Map<String, Object> properties) {
        listeners.add(new Listener(listener, sources(properties.get(DiscoveryListener.SOURCES))));
    }

    void removeListener(DiscoveryListener listener) {
        listeners.removeIf(l -> l.listener() == listener);
    }

    private static @Nullable Collection<String> sources(@Nullable Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] a) {
            return List.of(a);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return null;
    }

    void publish(DiscoveredPeer peer) {
        for (Listener l : listeners) {
            if (l.sources() != null && !l.sources().contains(peer.source())) {
                continue;
            }
            try {
                l.listener().peerDiscovered(peer);
            } catch (RuntimeException e) {
                LOG.warn("DiscoveryListener {} failed on {}", l.listener(), peer.peer(), e);
            }
        }
    }

    /** The running node; empty when disabled or when its socket could not be opened. */
    public Optional<MdnsNode> node() {
        return Optional.ofNullable(node);
    }

    public MdnsConfig config() {
        return config;
    }

    /** Whether the framework property {@value #ENABLED_PROPERTY} switched mDNS off. */
    public boolean switchedOff() {
        return switchedOff;
    }

    @Deactivate
    void deactivate() {
        MdnsNode n = node;
        node = null;
        if (n != null) {
            n.close();
        }
    }
}
