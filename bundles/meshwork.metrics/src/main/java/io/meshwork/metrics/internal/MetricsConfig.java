package io.meshwork.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Meshwork metrics endpoint", description = "Prometheus metrics (/metrics) and a"
        + " health check (/health) over HTTP. Off by default; the relay runtime turns it on.")
@interface MetricsConfig {

    @AttributeDefinition(description = "Serve the endpoint.")
    boolean enabled() default false;

    @AttributeDefinition(description = "Address to bind. Keep it on loopback (the default) and let a local"
            + " Prometheus or a reverse proxy reach it; the endpoint has no authentication.")
    String address() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port (0 picks a free one, logged at start).")
    int port() default 9464;
}
