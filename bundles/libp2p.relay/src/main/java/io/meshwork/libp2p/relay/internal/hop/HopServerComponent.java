package io.meshwork.libp2p.relay.internal.hop;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import java.time.Clock;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link HopServer} when {@code enabled} is set: registers it as the hop {@link StreamHandler} (also on
 * limited connections, so that a RESERVE or CONNECT over a relayed connection gets PERMISSION_DENIED rather than
 * "protocol not supported") and as a {@link ConnectionListener}. When disabled, the node does not advertise the hop
 * protocol at all. A configuration change re-creates the component; deactivation unregisters, resets all circuits
 * and stops the timer thread.
 */
@Component(service = HopServerComponent.class, immediate = true, configurationPid = HopServerComponent.PID)
@Designate(ocd = HopConfig.class)
public final class HopServerComponent {

    public static final String PID = "io.meshwork.libp2p.relay.hop";
    private static final Logger LOG = LoggerFactory.getLogger(HopServerComponent.class);

    private final @Nullable ScheduledExecutorService timer;
    private final @Nullable HopServer server;
    private final @Nullable ServiceRegistration<?> registration;

    @Activate
    public HopServerComponent(BundleContext context, @Reference Host host, @Reference HostIdentity identity,
                              HopConfig config) {
        if (!config.enabled()) {
            timer = null;
            server = null;
            registration = null;
            LOG.debug("Circuit relay hop server off (set enabled=true in {}.cfg to serve)", PID);
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwork-relay-hop");
            t.setDaemon(true);
            return t;
        });
        this.server = new HopServer(host, identity, config, Clock.systemUTC(), timer);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(StreamHandler.PROTOCOL, RelayCodec.HOP);
        props.put(StreamHandler.ALLOW_LIMITED, Boolean.TRUE);
        this.registration = context.registerService(
                new String[] {StreamHandler.class.getName(), ConnectionListener.class.getName()}, server, props);
    }

    /** The running server, if enabled (for the shell). */
    public Optional<HopServer> server() {
        return Optional.ofNullable(server);
    }

    @Deactivate
    void deactivate() {
        if (server == null || registration == null || timer == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        server.close();
        timer.shutdownNow();
        LOG.info("Circuit relay hop server stopped");
    }
}
