package io.meshwork.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.metrics.MetricsSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (every {@link MetricsSource} service plus the JVM's samples, Prometheus text format)
 * and {@code GET /health} (200 while a libp2p host listens, 503 with the reason otherwise) when enabled. One
 * request at a time on its own thread; the HTTP server and thread stop on deactivate.
 */
@Component(immediate = true, configurationPid = MetricsServer.PID)
@Designate(ocd = MetricsConfig.class)
public final class MetricsServer {

    public static final String PID = "io.meshwork.metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
    private final JvmMetrics jvm = new JvmMetrics();
    private volatile @Nullable Host host;
    private final @Nullable HttpServer server;
    private final @Nullable ExecutorService executor;

    @Activate
    public MetricsServer(MetricsConfig config) throws IOException {
        if (!config.enabled()) {
            server = null;
            executor = null;
            return;
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "meshwork-metrics-http");
            t.setDaemon(true);
            return t;
        });
        try {
            server = HttpServer.create(new InetSocketAddress(config.address(), config.port()), 16);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IOException("metrics endpoint cannot bind " + config.address() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/metrics", this::metrics);
        server.createContext("/health", this::health);
        server.start();
        LOG.info("Metrics on http://{}:{}/metrics, health on /health", config.address(),
                server.getAddress().getPort());
    }

    /** The bound port, or -1 when disabled. */
    int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindSource(MetricsSource source) {
        sources.add(source);
    }

    void unbindSource(MetricsSource source) {
        sources.remove(source);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHost(Host h) {
        host = h;
    }

    void unbindHost(Host h) {
        if (host == h) {
            host = null;
        }
    }

    /** All samples now, rendered. */
    String scrape() {
        PrometheusWriter writer = new PrometheusWriter();
        jvm.collect(writer);
        for (MetricsSource s : sources) {
            try {
                s.collect(writer);
            } catch (RuntimeException e) {
                LOG.warn("Metrics source {} failed; its samples are missing from this scrape", s, e);
            }
        }
        return writer.render();
    }

    /** Null when healthy, else why not. */
    @Nullable String unhealthy() {
        Host h = host;
        if (h == null) {
            return "no libp2p host is running";
        }
        if (h.listenAddresses().isEmpty()) {
            return "the libp2p host listens on no address";
        }
        return null;
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "only GET\n");
            return;
        }
        respond(exchange, 200, scrape());
    }

    private void health(HttpExchange exchange) throws IOException {
        String problem = unhealthy();
        respond(exchange, problem == null ? 200 : 503, problem == null ? "ok\n" : problem + "\n");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
