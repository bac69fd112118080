package io.meshwork.libp2p.core.internal.metrics;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The host's samples for the metrics endpoint: connections by direction and kind, streams, known peers. */
@Component(service = MetricsSource.class)
public final class HostMetrics implements MetricsSource {

    private final Host host;

    @Activate
    public HostMetrics(@Reference Host host) {
        this.host = host;
    }

    @Override
    public void collect(MetricsWriter out) {
        List<Connection> connections = host.connections();
        String help = "Open connections by direction and whether they are relayed with limits";
        for (Direction d : Direction.values()) {
            for (boolean limited : new boolean[] {false, true}) {
                long n = connections.stream().filter(c -> c.direction() == d && c.isLimited() == limited).count();
                out.gauge("meshwork_libp2p_connections", help, n, "direction", d.name().toLowerCase(java.util.Locale.ROOT),
                        "limited", Boolean.toString(limited));
            }
        }
        out.gauge("meshwork_libp2p_streams", "Open streams on all connections",
                connections.stream().mapToInt(c -> c.streams().size()).sum());
        out.gauge("meshwork_libp2p_connected_peers", "Peers with at least one connection",
                connections.stream().map(Connection::remotePeer).distinct().count());
        out.gauge("meshwork_libp2p_known_peers", "Peers in the peer store", host.peerStore().peers().size());
    }
}
