package io.meshwork.libp2p.transport.tcp.internal;

import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.ascii;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.await;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.WriteQueueFullException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One connection over loopback, with epoll (where available) and with NIO. */
class ConnectionTest extends TransportFixture {

    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(5);

    /** Echoes what it reads and half-closes when the remote does. */
    private static final class Echo extends Collector {
        private final RawConnection connection;

        Echo(RawConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onData(ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
            super.onData(data);
            connection.write(copy);
        }

        @Override
        public void onEnd() {
            super.onEnd();
            connection.closeWrite();
        }
    }

    @ParameterizedTest(name = "{0} native={1}")
    @CsvSource({"/ip4/127.0.0.1/tcp/0, true", "/ip4/127.0.0.1/tcp/0, false", "/ip6/::1/tcp/0, true",
            "/ip6/::1/tcp/0, false"})
    void echoesBothWaysWithCorrectAddressesAndDirections(String listenAddress, boolean nativeEpoll) throws Exception {
        if (listenAddress.startsWith("/ip6")) {
            assumeTrue(TestSupport.ipv6LoopbackAvailable(), "IPv6 loopback ::1 cannot be bound on this machine");
        }
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        List<Echo> echoes = new ArrayList<>();
        Acceptor acceptor = new Acceptor(connection -> {
            Echo echo = new Echo(connection);
            echoes.add(echo);
            connection.setReader(echo);
        });
        Transport.Listener listener = server.listen(Multiaddr.parse(listenAddress), acceptor);
        Multiaddr listening = listener.address();
        assertEquals(Multiaddr.parse(listenAddress).decapsulate(io.meshwork.libp2p.api.multiaddr.Protocol.TCP),
                listening.decapsulate(io.meshwork.libp2p.api.multiaddr.Protocol.TCP));
        assertTrue(listening.toInetSocketAddress().orElseThrow().getPort() > 0, listening::toString);

        RawConnection outbound = await(client.dial(listening, DIAL_TIMEOUT));
        Collector fromServer = new Collector();
        outbound.setReader(fromServer);
        RawConnection inbound = acceptor.next();
        Echo echo = echoes.get(0);

        assertEquals(Direction.OUTBOUND, outbound.direction());
        assertEquals(Direction.INBOUND, inbound.direction());
        assertEquals(listening, outbound.remoteAddress());
        assertEquals(listening, inbound.localAddress());
        assertEquals(outbound.localAddress(), inbound.remoteAddress());
        assertTrue(outbound.localAddress().toString().startsWith(listenAddress.replace("/tcp/0", "/tcp/")),
                outbound.localAddress()::toString);
        assertTrue(acceptor.calledOnEventLoop, "the acceptor must run on the connection's event loop");

        await(outbound.write(ascii("hello ")));
        await(outbound.write(ascii("world")));
        assertEquals("hello world", ascii(await(echo.received(11))));
        assertEquals("hello world", ascii(await(fromServer.received(11))));

        await(inbound.write(ascii("!")));
        assertEquals("hello world!", ascii(await(fromServer.received(12))));

        // Client half-closes, the echo half-closes in turn, and both connections end cleanly.
        await(outbound.closeWrite());
        await(echo.end);
        await(fromServer.end);
        assertEquals(Optional.empty(), await(fromServer.closed));
        assertEquals(Optional.empty(), await(echo.closed));
        await(outbound.closeFuture());
        await(inbound.closeFuture());
        assertFalse(outbound.isOpen());
        assertFalse(inbound.isOpen());
        assertEquals(1, fromServer.closeCalls.get());
        assertEquals(1, echo.closeCalls.get());
        assertEquals(0, fromServer.violations.get() + echo.violations.get());
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void halfCloseLetsTheRemoteFinishWritingThenBothClose(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Collector atServer = new Collector();
        Acceptor acceptor = new Acceptor(connection -> connection.setReader(atServer));
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        Collector atClient = new Collector();
        outbound.setReader(atClient);
        RawConnection inbound = acceptor.next();

        outbound.write(ascii("request"));
        await(outbound.closeWrite());
        assertEquals("request", ascii(await(atServer.received(7))));
        await(atServer.end);
        assertInstanceOf(DuplexClosedException.class, awaitFailure(outbound.write(ascii("too late"))));

        // The server can still answer over its open half.
        await(inbound.write(ascii("response")));
        assertEquals("response", ascii(await(atClient.received(8))));
        assertTrue(outbound.isOpen());
        assertFalse(atClient.end.isDone());

        inbound.close();
        outbound.close();
        assertEquals(Optional.empty(), await(atServer.closed));
        assertEquals(Optional.empty(), await(atClient.closed));
        await(inbound.closeFuture());
        await(outbound.closeFuture());
        assertEquals(1, atServer.closeCalls.get());
        assertEquals(1, atClient.closeCalls.get());
        assertEquals(0, atServer.violations.get() + atClient.violations.get());
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void resetFailsPendingWritesAndTheRemoteSeesAnError(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Collector atServer = new Collector();
        Acceptor acceptor = new Acceptor(connection -> connection.setReader(atServer));
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        Collector atClient = new Collector();
        outbound.setReader(atClient);
        acceptor.next();
        await(outbound.write(ascii("ping")));
        await(atServer.received(4));

        // Writes and reset in one event-loop task: the writes are still queued (unflushed) when the reset comes.
        CompletableFuture<List<CompletionStage<Void>>> pending = new CompletableFuture<>();
        outbound.executor().execute(() -> {
            List<CompletionStage<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                writes.add(outbound.write(ByteBuffer.allocate(64 * 1024)));
            }
            outbound.reset();
            writes.add(outbound.write(ascii("after reset")));
            pending.complete(writes);
        });
        for (CompletionStage<Void> write : await(pending)) {
            assertInstanceOf(DuplexClosedException.class, awaitFailure(write));
        }
        assertTrue(await(atServer.closed).isPresent(), "the remote must see the reset as a failure");
        assertInstanceOf(DuplexClosedException.class, awaitFailure(outbound.closeFuture()));
        assertTrue(await(atClient.closed).isPresent());
        assertEquals(4, atServer.size(), "nothing written after the reset may arrive");
        assertEquals(1, atServer.closeCalls.get());
        assertEquals(1, atClient.closeCalls.get());
        assertInstanceOf(DuplexClosedException.class, awaitFailure(outbound.write(ascii("later"))));
        outbound.reset();
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void writingToAConnectionTheRemoteResetFailsAndTheCloseIsNotClean(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Acceptor acceptor = new Acceptor();
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        acceptor.next().reset();

        // Without a reader the client learns of the reset only by writing.
        Throwable failure = null;
        for (int i = 0; i < 1000 && failure == null; i++) {
            failure = outbound.write(ByteBuffer.allocate(1024)).toCompletableFuture()
                    .handle((ignored, cause) -> cause).get(TestSupport.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        assertInstanceOf(DuplexClosedException.class, failure);
        assertInstanceOf(DuplexClosedException.class, awaitFailure(outbound.closeFuture()));
        assertFalse(outbound.isOpen());
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void writesBeyondThePendingBoundFailFastAndQueueNothing(boolean nativeEpoll) throws Exception {
        int chunk = 64 * 1024;
        int bound = 1024 * 1024;
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll, java.util.Map.of("max_pending_write_bytes", bound));
        Acceptor acceptor = new Acceptor();
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        RawConnection inbound = acceptor.next();

        // All in one task, so nothing is flushed (let alone written) in between.
        CompletableFuture<List<CompletionStage<Void>>> issued = new CompletableFuture<>();
        outbound.executor().execute(() -> {
            List<CompletionStage<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 3 * bound / chunk; i++) {
                writes.add(outbound.write(ByteBuffer.allocate(chunk)));
            }
            issued.complete(writes);
        });
        List<CompletionStage<Void>> writes = await(issued);
        int accepted = bound / chunk;
        for (int i = accepted; i < writes.size(); i++) {
            Throwable failure = awaitFailure(writes.get(i));
            assertInstanceOf(WriteQueueFullException.class, failure, "write " + i);
        }
        Collector atServer = new Collector();
        inbound.setReader(atServer);
        for (int i = 0; i < accepted; i++) {
            await(writes.get(i));
        }
        await(atServer.received(accepted * chunk));
        // Once drained, writing works again.
        await(outbound.write(ascii("more")));
        assertEquals(accepted * chunk + 4, await(atServer.received(accepted * chunk + 4)).length);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void dataArrivingBeforeTheReaderIsSetIsHeldNotDropped(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Acceptor acceptor = new Acceptor();
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        RawConnection inbound = acceptor.next();
        await(outbound.write(ascii("early bytes")));
        await(outbound.closeWrite());

        Collector late = new Collector();
        inbound.setReader(late);
        assertEquals("early bytes", ascii(await(late.received(11))));
        await(late.end);
        assertEquals(0, late.violations.get());
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void aFailingReaderResetsTheConnection(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Collector atServer = new Collector() {
            @Override
            public void onData(ByteBuffer data) {
                throw new IllegalStateException("protocol violation (test)");
            }
        };
        Acceptor acceptor = new Acceptor(connection -> connection.setReader(atServer));
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        Collector atClient = new Collector();
        outbound.setReader(atClient);
        RawConnection inbound = acceptor.next();

        outbound.write(ascii("boom"));
        Throwable cause = await(atServer.closed).orElseThrow();
        assertInstanceOf(IllegalStateException.class, cause.getCause(), cause::toString);
        assertInstanceOf(DuplexClosedException.class, awaitFailure(inbound.closeFuture()));
        assertTrue(await(atClient.closed).isPresent(), "the remote sees a reset");
        assertEquals(1, atServer.closeCalls.get());
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void closeDeliversPendingWritesBeforeClosing(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        Collector atServer = new Collector();
        Acceptor acceptor = new Acceptor(connection -> connection.setReader(atServer));
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(client.dial(listener.address(), DIAL_TIMEOUT));
        Collector atClient = new Collector();
        outbound.setReader(atClient);
        RawConnection inbound = acceptor.next();

        int size = 4 * 1024 * 1024;
        CompletableFuture<CompletionStage<Void>> written = new CompletableFuture<>();
        outbound.executor().execute(() -> {
            written.complete(outbound.write(ByteBuffer.allocate(size)));
            outbound.close();
        });
        await(atServer.received(size));
        await(await(written));
        await(atServer.end);
        await(inbound.write(ascii("discarded: the client is closing")));
        inbound.close();
        assertEquals(Optional.empty(), await(atClient.closed));
        assertEquals(Optional.empty(), await(atServer.closed));
        await(outbound.closeFuture());
        assertEquals(0, atClient.size(), "close() stops delivering data");
    }
}
