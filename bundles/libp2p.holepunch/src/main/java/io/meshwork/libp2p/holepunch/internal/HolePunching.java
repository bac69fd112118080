package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.nat.Reachability;
import io.meshwork.libp2p.holepunch.internal.autonat.AutoNat;
import io.meshwork.libp2p.holepunch.internal.autonat.ReachabilityTracker;
import io.meshwork.libp2p.holepunch.internal.autonat.Throttle;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this bundle does for one host, without OSGi: DCUtR ({@link #dcutr}), AutoNAT ({@link #autonat}) on a
 * periodic check, and the reachability verdict with our external addresses. The component and the tests and
 * system-test peers build it the same way. {@link #close()} stops the periodic check; the timer is the caller's.
 */
public final class HolePunching implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HolePunching.class);

    public final HolePunchService dcutr;
    public final AutoNat autonat;
    private final ReachabilityTracker tracker;
    private final OwnAddresses own;
    private final HolePunchConfig config;
    private final ScheduledFuture<?> checks;

    public HolePunching(Host host, HolePunchConfig config, ScheduledExecutorService timer, Clock clock,
                        BiConsumer<Reachability, Reachability> onChange) {
        this.config = config;
        this.own = new OwnAddresses(host);
        TimerScheduler scheduler = new TimerScheduler(timer);
        this.tracker = new ReachabilityTracker(config.reachability_threshold(), (before, after) -> {
            LOG.info("Reachability: {} -> {}", before, after);
            onChange.accept(before, after);
        });
        this.dcutr = new HolePunchService(host, config, scheduler, clock, own::candidates);
        this.autonat = new AutoNat(host, scheduler, new Throttle(clock, config.autonat_throttle_global(),
                config.autonat_throttle_per_peer(), config.autonat_throttle_interval_ms()), tracker, own::candidates,
                config.autonat_dial_timeout_ms(), config.stream_timeout_ms(), config.autonat_server_enabled());
        this.checks = config.autonat_client_enabled()
                ? timer.scheduleWithFixedDelay(this::checkNow, config.autonat_boot_delay_ms(),
                        Math.max(1000, config.autonat_interval_ms()), TimeUnit.MILLISECONDS)
                : null;
    }

    /** Runs one AutoNAT check now (also the periodic task). */
    public void checkNow() {
        try {
            autonat.check(config.autonat_servers_per_check());
        } catch (RuntimeException e) {
            LOG.warn("AutoNAT check failed", e);
        }
    }

    public Reachability reachability() {
        return tracker.state();
    }

    /** Per the API: unknown → none; else observed by enough peers, and (public) confirmed by dial-backs. */
    public List<Multiaddr> externalAddresses() {
        Reachability r = tracker.state();
        if (r == Reachability.UNKNOWN) {
            return List.of();
        }
        LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
        if (r == Reachability.PUBLIC) {
            out.addAll(autonat.confirmedByDialBack());
        }
        out.addAll(own.confirmed(config.observed_confirmations()));
        return List.copyOf(out);
    }

    /** Observed addresses with the number of distinct peers that reported each. */
    public List<String> observedWithConfirmations(Host host) {
        return host.peerStore().observedAddresses().stream()
                .map(a -> a + " (" + host.peerStore().observedAddressConfirmations(a) + " peer(s))").toList();
    }

    @Override
    public void close() {
        if (checks != null) {
            checks.cancel(false);
        }
        dcutr.close();
    }
}
