/**
 * The metrics endpoint: {@code /metrics} (Prometheus text format 0.0.4) and {@code /health} over the JDK's HTTP
 * server, bound to loopback by default. Private: the bundle exports nothing.
 */
@NullMarked
package io.meshwork.metrics.internal;

import org.jspecify.annotations.NullMarked;
