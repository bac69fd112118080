package io.meshwork.libp2p.relay.internal.metrics;

import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.hop.HopServerComponent;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The hop server's samples for the metrics endpoint: active reservations and circuits, and counters of granted
 * reservations, opened circuits, relayed bytes and refusals by status. Nothing while the hop server is off.
 */
@Component(service = MetricsSource.class)
public final class RelayMetrics implements MetricsSource {

    private final HopServerComponent hop;

    @Activate
    public RelayMetrics(@Reference HopServerComponent hop) {
        this.hop = hop;
    }

    @Override
    public void collect(MetricsWriter out) {
        Optional<HopServer> server = hop.server();
        if (server.isEmpty()) {
            return;
        }
        HopServer s = server.get();
        out.gauge("meshwork_relay_reservations", "Active circuit relay reservations", s.reservations().size());
        out.gauge("meshwork_relay_circuits", "Open relayed circuits", s.circuits().size());
        Map<String, Long> stats = s.stats();
        out.counter("meshwork_relay_reservations_granted_total", "Reservations granted (including refreshes)",
                stats.getOrDefault("reservations.granted", 0L));
        out.counter("meshwork_relay_circuits_opened_total", "Circuits opened",
                stats.getOrDefault("circuits.opened", 0L));
        out.counter("meshwork_relay_bytes_total", "Bytes relayed, both directions",
                stats.getOrDefault("bytes.relayed", 0L));
        stats.forEach((key, value) -> {
            if (key.startsWith("refused.")) {
                out.counter("meshwork_relay_refusals_total", "RESERVE and CONNECT refusals by status", value,
                        "status", key.substring("refused.".length()));
            }
        });
    }
}
