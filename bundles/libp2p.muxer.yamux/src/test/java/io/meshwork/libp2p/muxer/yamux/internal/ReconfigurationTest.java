package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A configuration update reaches the muxer through {@code @Modified}: its live sessions stay up (a component
 * restart would close every connection) and the receive-buffer budget takes the new limit at once.
 */
class ReconfigurationTest {

    /** The metatype defaults, with {@code overrides} by method name. */
    static YamuxMuxerConfig config(Map<String, Object> overrides) {
        return (YamuxMuxerConfig) Proxy.newProxyInstance(YamuxMuxerConfig.class.getClassLoader(),
                new Class<?>[] {YamuxMuxerConfig.class}, (proxy, method, args) -> {
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    Object d = method.getDefaultValue();
                    if (d == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return d;
                });
    }

    @Test
    void aConfigurationUpdateKeepsLiveSessionsAndChangesTheBudget() throws Exception {
        YamuxMuxer a = new YamuxMuxer(config(Map.of()));
        YamuxMuxer b = new YamuxMuxer(config(Map.of()));
        try (Pipe.Loop la = new Pipe.Loop("a"); Pipe.Loop lb = new Pipe.Loop("b")) {
            try {
                Pipe pipe = new Pipe(la, lb, 64 * 1024);
                StreamMuxer.Session sa = a.start(pipe.a, Direction.OUTBOUND, s -> { });
                b.start(pipe.b, Direction.INBOUND, s -> { });
                assertEquals(0, a.budget().highWater());

                a.modified(config(Map.of("max_buffered_total", 4L * 1024 * 1024)));

                assertEquals(4L * 1024 * 1024, a.budget().highWater());
                assertFalse(sa.closeFuture().toCompletableFuture().isDone(), "the live session stays up");
                sa.openStream().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                a.deactivate();
                b.deactivate();
            }
        }
    }
}
