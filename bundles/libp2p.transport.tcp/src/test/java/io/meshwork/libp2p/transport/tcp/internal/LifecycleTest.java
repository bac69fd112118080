package io.meshwork.libp2p.transport.tcp.internal;

import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.ascii;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.await;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.awaitFailure;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration, listener close and component deactivation. */
class LifecycleTest extends TransportFixture {

    @Test
    void configurationDefaultsAreSensible() {
        TcpSettings settings = TcpSettings.from(TestSupport.config(Map.of()));
        assertEquals(Math.max(2, Runtime.getRuntime().availableProcessors()), settings.eventLoopThreads());
        assertTrue(settings.preferNative());
        assertEquals(10_000, settings.connectTimeoutMillis());
        assertTrue(settings.reusePort());
        assertTrue(settings.dialFromListenPort());
        assertTrue(settings.tcpNoDelay());
        assertEquals(256 * 1024, settings.writeLowWaterMark());
        assertEquals(1024 * 1024, settings.writeHighWaterMark());
        assertEquals(4 * 1024 * 1024, settings.maxPendingWriteBytes());
    }

    @Test
    void inconsistentConfigurationIsRefusedWithTheAttributeName() {
        IllegalArgumentException marks = assertThrows(IllegalArgumentException.class, () -> TcpSettings.from(
                TestSupport.config(Map.of("write_buffer_low_water_mark", 2_000_000))));
        assertTrue(marks.getMessage().contains("write_buffer_low_water_mark"), marks::getMessage);
        IllegalArgumentException pending = assertThrows(IllegalArgumentException.class, () -> TcpSettings.from(
                TestSupport.config(Map.of("max_pending_write_bytes", 0))));
        assertTrue(pending.getMessage().contains("max_pending_write_bytes"), pending::getMessage);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void closingAListenerStopsAcceptingButKeepsItsConnections(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Collector atServer = new Collector();
        Acceptor acceptor = new Acceptor(connection -> connection.setReader(atServer));
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), Duration.ofSeconds(5)));
        acceptor.next();

        listener.close();
        listener.close();
        assertEquals(0, server.listenerCount());
        Throwable refused = awaitFailure(client.dial(listener.address(), Duration.ofSeconds(5)));
        assertInstanceOf(IOException.class, refused);

        await(outbound.write(ascii("still here")));
        assertEquals("still here", ascii(await(atServer.received(10))));
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void deactivationClosesListenersAndConnectionsAndEndsTheEventLoops(boolean nativeEpoll) throws Exception {
        TcpTransport transport = TestSupport.transport(nativeEpoll, Map.of());
        TcpTransport other = newTransport(nativeEpoll);
        String prefix = transport.threadNamePrefix() + "-";
        Collector inboundReader = new Collector();
        Acceptor acceptor = new Acceptor(connection -> connection.setReader(inboundReader));
        Transport.Listener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        Transport.Listener otherListener = other.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), c -> { });

        RawConnection toTransport = await(other.dial(listener.address(), Duration.ofSeconds(5)));
        Collector remoteOfInbound = new Collector();
        toTransport.setReader(remoteOfInbound);
        RawConnection inbound = acceptor.next();
        RawConnection outbound = await(transport.dial(otherListener.address(), Duration.ofSeconds(5)));
        Collector outboundReader = new Collector();
        outbound.setReader(outboundReader);
        assertTrue(threadsAlive(prefix) > 0, "the transport's event loops run under the prefix " + prefix);

        transport.deactivate();

        assertInstanceOf(DuplexClosedException.class, awaitFailure(inbound.closeFuture()));
        assertInstanceOf(DuplexClosedException.class, awaitFailure(outbound.closeFuture()));
        assertTrue(await(inboundReader.closed).isPresent());
        assertTrue(await(outboundReader.closed).isPresent());
        assertFalse(inbound.isOpen());
        assertFalse(outbound.isOpen());
        assertEquals(0, transport.openConnectionCount());
        assertEquals(0, transport.listenerCount());
        await(remoteOfInbound.end);
        assertInstanceOf(IOException.class, awaitFailure(other.dial(listener.address(), Duration.ofSeconds(5))),
                "the listener must be closed");
        eventually("no thread named " + prefix + "* is alive", () -> threadsAlive(prefix) == 0);

        assertInstanceOf(IOException.class, awaitFailure(transport.dial(otherListener.address(),
                Duration.ofSeconds(1))));
        assertThrows(IOException.class, () -> transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), c -> { }));
        assertInstanceOf(DuplexClosedException.class, awaitFailure(outbound.write(ascii("after stop"))));
        transport.deactivate();
    }

    private static long threadsAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
                .count();
    }
}
