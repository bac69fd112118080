package io.meshwork.libp2p.mdns.internal;

import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** mDNS samples for the metrics endpoint: packets, queries, responses, peers and dials. Nothing while mDNS is off. */
@Component(service = MetricsSource.class)
public final class MdnsMetrics implements MetricsSource {

    private final MdnsComponent mdns;

    @Activate
    public MdnsMetrics(@Reference MdnsComponent mdns) {
        this.mdns = mdns;
    }

    @Override
    public void collect(MetricsWriter out) {
        Optional<MdnsNode> node = mdns.node();
        if (node.isEmpty()) {
            return;
        }
        Map<String, Long> s = node.get().stats();
        out.counter("meshwork_mdns_packets_received_total", "mDNS datagrams received",
                s.getOrDefault("packets_received", 0L));
        out.counter("meshwork_mdns_packets_malformed_total", "mDNS datagrams dropped as malformed",
                s.getOrDefault("packets_malformed", 0L));
        out.counter("meshwork_mdns_queries_sent_total", "mDNS queries sent", s.getOrDefault("queries_sent", 0L));
        out.counter("meshwork_mdns_responses_sent_total", "mDNS responses sent", s.getOrDefault("responses_sent", 0L));
        out.counter("meshwork_mdns_peers_discovered_total", "Peers published (first seen, changed, or back)",
                s.getOrDefault("peers_discovered", 0L));
        out.gauge("meshwork_mdns_peers", "Peers on the LAN remembered now", s.getOrDefault("peers_known", 0L));
        out.gauge("meshwork_mdns_interfaces", "Interfaces joined to the mDNS group", node.get().interfaces().size());
        if (node.get().dials()) {
            out.counter("meshwork_mdns_dials_total", "Dials to discovered peers by result",
                    s.getOrDefault("dials_succeeded", 0L), "result", "succeeded");
            out.counter("meshwork_mdns_dials_total", "Dials to discovered peers by result",
                    s.getOrDefault("dials_failed", 0L), "result", "failed");
            out.counter("meshwork_mdns_dials_total", "Dials to discovered peers by result",
                    s.getOrDefault("dials_dropped", 0L), "result", "dropped");
        }
    }
}
