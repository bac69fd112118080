package io.meshwork.libp2p.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Shared helpers: configurations, waiting with timeouts, text buffers. */
final class TestSupport {

    static final long TIMEOUT_SECONDS = 10;

    private TestSupport() {
    }

    /** A {@link TcpConfig} with the metatype defaults except {@code overrides} (attribute name to value). */
    static TcpConfig config(Map<String, ?> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        for (String name : values.keySet()) {
            try {
                TcpConfig.class.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("no configuration attribute " + name, e);
            }
        }
        return (TcpConfig) Proxy.newProxyInstance(TcpConfig.class.getClassLoader(), new Class<?>[] {TcpConfig.class},
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object fallback = method.getDefaultValue();
                    if (fallback == null) {
                        return method.getName().equals("toString") ? "TcpConfig" + values : null;
                    }
                    return fallback;
                });
    }

    /** A transport with two event loops; {@code nativeEpoll} false forces NIO. */
    static TcpTransport transport(boolean nativeEpoll, Map<String, ?> overrides) {
        Map<String, Object> values = new HashMap<>();
        values.put("event_loop_threads", 2);
        values.put("prefer_native", nativeEpoll);
        values.putAll(overrides);
        return new TcpTransport(config(values));
    }

    static TcpTransport transport(boolean nativeEpoll) {
        return transport(nativeEpoll, Map.of());
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for {@code stage} to fail and returns the cause. */
    static Throwable awaitFailure(CompletionStage<?> stage) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return failure.getCause();
    }

    /** Polls {@code condition} (every 5 ms, for at most 10 s) where there is no future to wait on. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("not within " + TIMEOUT_SECONDS + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Whether this machine can bind the IPv6 loopback address. */
    static boolean ipv6LoopbackAvailable() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return socket.getLocalPort() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
