package io.meshwork.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static MetricsConfig config(boolean enabled) {
        return BenchAccess.config(MetricsConfig.class, Map.of("enabled", enabled, "port", 0));
    }

    @Test
    void writerRendersPrometheusTextWithOneHeaderPerNameAndEscapedLabels() {
        PrometheusWriter w = new PrometheusWriter();
        w.gauge("meshwork_x", "An x", 3, "kind", "a\"b");
        w.counter("meshwork_y_total", "A y\nwith a newline", 1.5);
        w.gauge("meshwork_x", "An x", 4, "kind", "c");
        assertEquals("""
                # HELP meshwork_x An x
                # TYPE meshwork_x gauge
                meshwork_x{kind="a\\"b"} 3
                meshwork_x{kind="c"} 4
                # HELP meshwork_y_total A y\\nwith a newline
                # TYPE meshwork_y_total counter
                meshwork_y_total 1.5
                """, w.render());
        assertThrows(IllegalArgumentException.class, () -> w.counter("meshwork_x", "An x", 1));
        assertThrows(IllegalArgumentException.class, () -> w.gauge("bad-name", "", 1));
        assertThrows(IllegalArgumentException.class, () -> w.gauge("ok", "", 1, "odd"));
    }

    @Test
    void servesSourcesJvmSamplesAndHealthAndStopsOnDeactivate() throws Exception {
        MetricsServer server = new MetricsServer(config(true));
        try {
            int port = server.port();
            MetricsSource source = out -> out.gauge("meshwork_test_things", "Things", 42);
            MetricsSource broken = out -> {
                throw new IllegalStateException("boom");
            };
            server.bindSource(source);
            server.bindSource(broken);
            HttpResponse<String> metrics = get(port, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(metrics.body().contains("\nmeshwork_test_things 42\n"), metrics.body());
            assertTrue(metrics.body().contains("meshwork_jvm_memory_bytes{area=\"heap\",kind=\"used\"}"));

            HttpResponse<String> sick = get(port, "/health");
            assertEquals(503, sick.statusCode());
            assertTrue(sick.body().contains("no libp2p host"), sick.body());
            try (TestNode node = TestNode.create("metrics-test").listen()) {
                server.bindHost(node.host);
                assertEquals(200, get(port, "/health").statusCode());
                server.unbindHost(node.host);
            }
            server.unbindSource(source);
            assertTrue(!get(port, "/metrics").body().contains("meshwork_test_things"));
        } finally {
            server.deactivate();
        }
        int port = server.port();
        assertThrows(java.io.IOException.class, () -> get(port, "/metrics"), "still serving after deactivate");
    }

    @Test
    void disabledServesNothing() throws Exception {
        MetricsServer server = new MetricsServer(config(false));
        assertEquals(-1, server.port());
        server.deactivate();
    }
}
