package io.meshwork.libp2p.pubsub.internal;

import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import io.meshwork.libp2p.api.pubsub.PubSub;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The pubsub router's samples for the metrics endpoint: peers, topics, caches and every counter of drops. */
@Component(service = MetricsSource.class)
public final class PubSubMetrics implements MetricsSource {

    /** Router figures that are current sizes; all others count since start. */
    private static final Set<String> GAUGES = Set.of("peers", "seenIds", "cachedMessages", "pendingValidations");

    private final PubSub pubsub;

    @Activate
    public PubSubMetrics(@Reference PubSub pubsub) {
        this.pubsub = pubsub;
    }

    @Override
    public void collect(MetricsWriter out) {
        out.gauge("meshwork_pubsub_topics", "Topics this node is subscribed to", pubsub.topics().size());
        if (!(pubsub instanceof PubSubImpl impl)) {
            return;
        }
        for (Map.Entry<String, Object> e : impl.stats().entrySet()) {
            if (!(e.getValue() instanceof Number n)) {
                continue;
            }
            String name = snake(e.getKey());
            if (GAUGES.contains(e.getKey())) {
                out.gauge("meshwork_pubsub_" + name, "PubSub router: " + e.getKey(), n.doubleValue());
            } else {
                out.counter("meshwork_pubsub_" + name + "_total", "PubSub router: " + e.getKey() + " since start",
                        n.doubleValue());
            }
        }
    }

    /** {@code seenIds} → {@code seen_ids}. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
