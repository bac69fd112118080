package io.meshwork.libp2p.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives samples. Metric names follow Prometheus rules ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}, by convention
 * {@code meshwork_<area>_<what>[_total]}); labels come as name/value pairs. All samples of one name must have the
 * same type and help text; the writer groups them.
 *
 * @throws IllegalArgumentException from every method for an invalid name, label name or an odd label list
 */
@ProviderType
public interface MetricsWriter {

    /** A value that only goes up while the node runs (a count since start). */
    MetricsWriter counter(String name, String help, double value, String... labels);

    /** A value that goes up and down (a current size). */
    MetricsWriter gauge(String name, String help, double value, String... labels);
}
