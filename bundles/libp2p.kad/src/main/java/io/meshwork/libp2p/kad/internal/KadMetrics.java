package io.meshwork.libp2p.kad.internal;

import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The DHT's samples for the metrics endpoint: routing table and store sizes, request and lookup counters, and
 * whether it serves. Sizes live on the engine's thread; a scrape asks for fresh ones and writes the last known
 * (at most one scrape old), so it never blocks.
 */
@Component(service = MetricsSource.class)
public final class KadMetrics implements MetricsSource {

    private final KadComponent dht;
    private final AtomicReference<int[]> sizes = new AtomicReference<>(new int[3]);

    @Activate
    public KadMetrics(@Reference KadComponent dht) {
        this.dht = dht;
        dht.engine().storeSizes().thenAccept(sizes::set);
    }

    @Override
    public void collect(MetricsWriter out) {
        KadEngine engine = dht.engine();
        engine.storeSizes().thenAccept(sizes::set);
        int[] s = sizes.get();
        out.gauge("meshwork_dht_server_mode", "1 while the DHT answers requests (server mode), 0 in client mode",
                dht.isServer() ? 1 : 0);
        out.gauge("meshwork_dht_routing_table_peers", "Peers in the DHT routing table", s[0]);
        out.gauge("meshwork_dht_records", "DHT records stored for other peers", s[1]);
        out.gauge("meshwork_dht_provider_records", "DHT provider records stored", s[2]);
        KadEngine.Stats stats = engine.stats();
        out.counter("meshwork_dht_requests_received_total", "DHT requests answered or refused",
                stats.requestsIn.get());
        out.counter("meshwork_dht_requests_sent_total", "DHT requests sent", stats.requestsOut.get());
        out.counter("meshwork_dht_requests_failed_total", "DHT requests sent that failed or timed out",
                stats.requestsFailed.get());
        out.counter("meshwork_dht_lookups_total", "DHT lookups started", stats.lookups.get());
        out.counter("meshwork_dht_invalid_records_total", "Records refused by their validator",
                stats.invalidRecords.get());
    }
}
