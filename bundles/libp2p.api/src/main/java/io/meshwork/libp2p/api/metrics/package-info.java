/**
 * Metrics as a whiteboard: a bundle registers {@link io.meshwork.libp2p.api.metrics.MetricsSource} services and
 * the node's metrics endpoint (the {@code meshwork.metrics} bundle, Prometheus text format) asks each of them for
 * its current samples on every scrape. A bundle that stops takes its metrics with it.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.metrics;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
