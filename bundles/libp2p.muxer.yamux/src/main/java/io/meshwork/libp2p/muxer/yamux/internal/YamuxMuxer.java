package io.meshwork.libp2p.muxer.yamux.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
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
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code /yamux/1.0.0} as a service. Owns one timer thread for keepalives and timeouts of all its sessions,
 * stopped on deactivation (sessions then end with their connections, which the host closes).
 */
@Component(configurationPid = YamuxMuxer.PID, property = Transport.PROTOCOL + "=" + YamuxMuxer.ID)
@Designate(ocd = YamuxMuxerConfig.class)
public final class YamuxMuxer implements StreamMuxer {

    static final String PID = "io.meshwork.libp2p.muxer.yamux";
    static final String ID = "/yamux/1.0.0";

    private final YamuxConfig config;
    private final int highWater;
    private final ScheduledExecutorService timer;
    /** Bytes buffered in the receive buffers of all sessions, shared by them. */
    private final ReceiveBudget budget;
    /** Live sessions, closed (GO_AWAY) when this service goes away. */
    private final Set<YamuxSessionAdapter> live = ConcurrentHashMap.newKeySet();

    @Activate
    public YamuxMuxer(YamuxMuxerConfig c) {
        this(YamuxConfig.builder()
                .maxWindow(c.max_window())
                .maxStreams(c.max_streams())
                .maxUnackedInboundStreams(c.max_unacked_inbound_streams())
                .maxQueuedWriteBytes(c.max_queued_write_bytes())
                .keepaliveInterval(Duration.ofSeconds(c.keepalive_seconds()))
                .pingTimeout(Duration.ofSeconds(c.ping_timeout_seconds()))
                .build(), c.transport_high_water(), c.max_buffered_total());
    }

    YamuxMuxer(YamuxConfig config, int highWater) {
        this(config, highWater, 0);
    }

    YamuxMuxer(YamuxConfig config, int highWater, long maxBufferedTotal) {
        this.config = config;
        this.budget = new ReceiveBudget(maxBufferedTotal);
        this.highWater = highWater;
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

    @Override
    public Session start(Duplex secured, Direction direction, Consumer<Duplex> onInboundStream) {
        YamuxSessionAdapter session = new YamuxSessionAdapter(secured, direction, config, highWater, timer,
                onInboundStream, budget);
        live.add(session);
        session.closeFuture().whenComplete((v, e) -> live.remove(session));
        return session;
    }
}
