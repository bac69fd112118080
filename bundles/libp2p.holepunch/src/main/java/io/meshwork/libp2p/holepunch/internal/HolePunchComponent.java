package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.nat.Reachability;
import io.meshwork.libp2p.api.nat.ReachabilityListener;
import io.meshwork.libp2p.api.nat.ReachabilityService;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
 * Hole punching and reachability for the host: registers the DCUtR handler and connection listener, the AutoNAT
 * handler (when serving), the {@link ReachabilityService} (its {@value ReachabilityService#REACHABILITY} property
 * follows the state) and a metrics source; tells {@link ReachabilityListener} services about changes.
 * Deactivation unregisters all of them and stops the timer thread; connections stay with the host.
 */
@Component(service = HolePunchComponent.class, immediate = true, configurationPid = HolePunchComponent.PID)
@Designate(ocd = HolePunchConfig.class)
public final class HolePunchComponent implements ReachabilityService {

    public static final String PID = "io.meshwork.libp2p.holepunch";
    private static final Logger LOG = LoggerFactory.getLogger(HolePunchComponent.class);

    private final ScheduledExecutorService timer;
    private final HolePunching punching;
    private final List<ReachabilityListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final ServiceRegistration<ReachabilityService> reachabilityRegistration;

    @Activate
    public HolePunchComponent(BundleContext context, @Reference Host host, HolePunchConfig config) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwork-holepunch");
            t.setDaemon(true);
            return t;
        });
        this.punching = new HolePunching(host, config, timer, Clock.systemUTC(), this::changed);
        Hashtable<String, Object> dcutr = new Hashtable<>();
        dcutr.put(StreamHandler.PROTOCOL, HolePunch.PROTOCOL);
        dcutr.put(StreamHandler.ALLOW_LIMITED, "true");
        registrations.add(context.registerService(StreamHandler.class, punching.dcutr, dcutr));
        registrations.add(context.registerService(ConnectionListener.class, punching.dcutr, new Hashtable<>()));
        if (config.autonat_server_enabled()) {
            Hashtable<String, Object> autonat = new Hashtable<>();
            autonat.put(StreamHandler.PROTOCOL, AutoNatMessage.PROTOCOL);
            autonat.put(StreamHandler.ALLOW_LIMITED, "true"); // so that we can refuse it with a reason
            registrations.add(context.registerService(StreamHandler.class, punching.autonat, autonat));
        }
        registrations.add(context.registerService(MetricsSource.class, out -> {
            punching.dcutr.stats().forEach((k, v) -> {
                if (k.equals("running")) {
                    out.gauge("meshwork_holepunch_running", "DCUtR hole punches in progress", v);
                } else {
                    out.counter("meshwork_holepunch_" + k + "_total", "DCUtR rounds/punches " + k, v);
                }
            });
            punching.autonat.stats().forEach((k, v) -> out.counter("meshwork_autonat_" + k.replace('.', '_')
                    + "_total", "AutoNAT " + k, v));
            out.gauge("meshwork_reachability", "1 for the current reachability state", 1, "state",
                    reachability().name().toLowerCase(Locale.ROOT));
        }, new Hashtable<>()));
        this.reachabilityRegistration = context.registerService(ReachabilityService.class, this,
                properties(Reachability.UNKNOWN));
        LOG.info("Hole punching {}, AutoNAT server {}", config.dcutr_enabled() ? "on" : "off",
                config.autonat_server_enabled() ? "on" : "off");
    }

    private static Hashtable<String, Object> properties(Reachability r) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(REACHABILITY, r.name().toLowerCase(Locale.ROOT));
        return props;
    }

    private void changed(Reachability before, Reachability after) {
        ServiceRegistration<ReachabilityService> reg = reachabilityRegistration;
        if (reg != null) {
            try {
                reg.setProperties(properties(after));
            } catch (IllegalStateException e) {
                return; // unregistered meanwhile
            }
        }
        for (ReachabilityListener l : listeners) {
            try {
                l.reachabilityChanged(before, after);
            } catch (RuntimeException e) {
                LOG.warn("Reachability listener {} failed", l, e);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(ReachabilityListener listener) {
        listeners.add(listener);
    }

    void unbindListener(ReachabilityListener listener) {
        listeners.remove(listener);
    }

    public HolePunching punching() {
        return punching;
    }

    @Override
    public Reachability reachability() {
        return punching.reachability();
    }

    @Override
    public List<Multiaddr> externalAddresses() {
        return punching.externalAddresses();
    }

    @Deactivate
    void deactivate() {
        List<ServiceRegistration<?>> all = new ArrayList<>(registrations);
        all.add(reachabilityRegistration);
        for (ServiceRegistration<?> r : all) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        punching.close();
        timer.shutdownNow();
    }
}
