package io.meshwork.libp2p.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/** Supplies samples for the metrics endpoint. Register as an OSGi service. */
@ConsumerType
@FunctionalInterface
public interface MetricsSource {

    /**
     * Writes the current samples. Called on the endpoint's thread for every scrape: read counters and sizes, do
     * not block or do I/O. A source that throws is skipped for that scrape (and logged).
     */
    void collect(MetricsWriter out);
}
