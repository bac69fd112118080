package io.meshwork.libp2p.muxer.yamux.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import io.meshwork.libp2p.api.spi.Transport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code /yamux/1.0.0} as a service. Owns one timer thread for keepalives and timeouts of all its sessions,
 * stopped on deactivation (sessions then end with their connections, which the host closes).
 */
@Component(configurationPid = YamuxMuxer.PID, property = Transport.PROTOCOL + "=" + YamuxMuxer.ID,
        service = {StreamMuxer.class, MetricsSource.class})
@Designate(ocd = YamuxMuxerConfig.class)
public final class YamuxMuxer implements StreamMuxer, MetricsSource {

    static final String PID = "io.meshwork.libp2p.muxer.yamux";
    static final String ID = "/yamux/1.0.0";

    /** What new sessions are started with; replaced by a configuration update (existing sessions keep theirs). */
    private record Settings(YamuxConfig config, int highWater, Duration maxPause) {
        Settings {
            if (maxPause.isNegative() || maxPause.isZero()) {
                throw new IllegalArgumentException("max.buffered.pause.ms must be positive: " + maxPause);
            }
        }
    }

    private volatile Settings settings;
    private final ScheduledExecutorService timer;
    /** Bytes buffered in the receive buffers of all sessions, shared by them. */
    private final ReceiveBudget budget;
    /** Live sessions, closed (GO_AWAY) when this service goes away. */
    private final Set<YamuxSessionAdapter> live = ConcurrentHashMap.newKeySet();

    @Activate
    public YamuxMuxer(YamuxMuxerConfig c) {
        this(settings(c), c.max_buffered_total());
    }

    /**
     * A configuration update applies without restarting the component: a restart would unregister the muxer and
     * close every connection (GO_AWAY), and a runtime that writes its defaults at start (the relay) would race its
     * first dials against it. New sessions use the new settings; the receive-buffer budget changes at once.
     */
    @Modified
    void modified(YamuxMuxerConfig c) {
        Settings next = settings(c);
        budget.setMax(c.max_buffered_total());
        settings = next;
    }

    private static Settings settings(YamuxMuxerConfig c) {
        return new Settings(YamuxConfig.builder()
                .maxWindow(c.max_window())
                .maxStreams(c.max_streams())
                .maxUnackedInboundStreams(c.max_unacked_inbound_streams())
                .maxQueuedWriteBytes(c.max_queued_write_bytes())
                .keepaliveInterval(Duration.ofSeconds(c.keepalive_seconds()))
                .pingTimeout(Duration.ofSeconds(c.ping_timeout_seconds()))
                .build(), c.transport_high_water(), Duration.ofMillis(c.max_buffered_pause_ms()));
    }

    YamuxMuxer(YamuxConfig config, int highWater) {
        this(config, highWater, 0, Duration.ofMillis(100));
    }

    YamuxMuxer(YamuxConfig config, int highWater, long maxBufferedTotal, Duration maxPause) {
        this(new Settings(config, highWater, maxPause), maxBufferedTotal);
    }

    private YamuxMuxer(Settings settings, long maxBufferedTotal) {
        this.settings = settings;
        this.budget = new ReceiveBudget(maxBufferedTotal);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "yamux-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    public void deactivate() {
        live.forEach(YamuxSessionAdapter::close);
        live.clear();
        timer.shutdownNow();
    }

    /** The budget shared by this muxer's sessions (for tests and diagnostics). */
    ReceiveBudget budget() {
        return budget;
    }

    /** The receive-buffer budget for the metrics endpoint. */
    @Override
    public void collect(MetricsWriter out) {
        out.gauge("meshwork_yamux_receive_buffered_bytes", "Bytes held in Yamux stream receive buffers, all"
                + " connections", budget.total());
        out.gauge("meshwork_yamux_receive_buffered_peak_bytes", "Highest value of"
                + " meshwork_yamux_receive_buffered_bytes since start", budget.peak());
        out.gauge("meshwork_yamux_receive_budget_bytes", "max.buffered.total (0 = unlimited)", budget.highWater());
        out.gauge("meshwork_yamux_paused_connections", "Connections not reading because the budget is exceeded",
                budget.pausedCount());
        out.counter("meshwork_yamux_budget_pauses_total", "Times a connection stopped reading for the budget",
                budget.pauses());
    }

    @Override
    public Session start(Duplex secured, Direction direction, Consumer<Duplex> onInboundStream) {
        Settings now = settings;
        YamuxSessionAdapter session = new YamuxSessionAdapter(secured, direction, now.config(), now.highWater(), timer,
                onInboundStream, budget, now.maxPause());
        live.add(session);
        session.closeFuture().whenComplete((v, e) -> live.remove(session));
        return session;
    }
}
