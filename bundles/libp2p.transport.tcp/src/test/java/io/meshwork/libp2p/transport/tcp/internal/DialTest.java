package io.meshwork.libp2p.transport.tcp.internal;

import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.await;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.awaitFailure;
import static io.meshwork.libp2p.transport.tcp.internal.TestSupport.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dialing: failures, timeouts and cancellation release their sockets; dialing from the listen port. */
class DialTest extends TransportFixture {

    private static final String PEER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

    @ParameterizedTest(name = "{0} -> dial {1}, listen {2}")
    @CsvSource({
        "/ip4/127.0.0.1/tcp/4001, true, true",
        "/ip6/::1/tcp/4001, true, true",
        "/ip4/0.0.0.0/tcp/0, false, true",
        "/ip4/127.0.0.1/tcp/4001/p2p/" + PEER + ", true, false",
        "/ip6/::1/tcp/4001/p2p/" + PEER + ", true, false",
        "/dns4/example.com/tcp/4001, false, false",
        "/dns/example.com/tcp/4001, false, false",
        "/ip4/127.0.0.1/udp/4001, false, false",
        "/ip4/127.0.0.1/tcp/4001/ws, false, false",
        "/ip4/127.0.0.1/tcp/4001/p2p/" + PEER + "/p2p-circuit, false, false",
        "/ip6zone/eth0/ip6/fe80::1/tcp/4001, false, false",
        "/p2p/" + PEER + ", false, false",
    })
    void understandsOnlyIpTcpAddresses(String address, boolean dial, boolean listen) {
        TcpTransport transport = newTransport(false);
        Multiaddr multiaddr = Multiaddr.parse(address);
        assertEquals(dial, transport.canDial(multiaddr), "canDial");
        assertEquals(listen, transport.canListen(multiaddr), "canListen");
    }

    @Test
    void dialingAnUnsupportedAddressFailsTheStageAndListeningThrows() {
        TcpTransport transport = newTransport(false);
        Multiaddr dns = Multiaddr.parse("/dns4/localhost/tcp/4001");
        Throwable failure = awaitFailure(transport.dial(dns, Duration.ofSeconds(1)));
        assertTrue(failure.getMessage().contains(dns.toString()), failure::getMessage);
        assertThrows(IOException.class, () -> transport.listen(dns, connection -> { }));
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void dialToAClosedPortFailsNamingTheAddress(boolean nativeEpoll) throws Exception {
        TcpTransport client = newTransport(nativeEpoll);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Multiaddr closed = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/p2p/" + PEER);
        Throwable failure = awaitFailure(client.dial(closed, Duration.ofSeconds(5)));
        assertInstanceOf(IOException.class, failure);
        assertTrue(failure.getMessage().contains(closed.toString()), failure::getMessage);
        eventually("the failed dial's socket is closed", () -> client.openConnectionCount() == 0);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void cancelledDialsLeaveNoSocketOpen(boolean nativeEpoll) throws Exception {
        TcpTransport server = newTransport(nativeEpoll);
        TcpTransport client = newTransport(nativeEpoll);
        List<Collector> accepted = new ArrayList<>();
        Transport.Listener listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), connection -> {
            Collector collector = new Collector() {
                @Override
                public void onEnd() {
                    super.onEnd();
                    connection.close();
                }
            };
            synchronized (accepted) {
                accepted.add(collector);
            }
            connection.setReader(collector);
        });
        int cancelled = 0;
        for (int i = 0; i < 40; i++) {
            CompletableFuture<RawConnection> dial = client.dial(listener.address(), Duration.ofSeconds(5))
                    .toCompletableFuture();
            // Cancel at different moments: before registration, while connecting, or just after.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(25L * (i % 8)));
            if (dial.cancel(false)) {
                cancelled++;
            } else {
                await(dial).close();
            }
        }
        assertTrue(cancelled > 0, "no dial was cancelled before it completed");
        eventually("every socket of the cancelled dials is closed", () -> client.openConnectionCount() == 0);
        // Whatever the server accepted sees the connection end.
        List<Collector> seen;
        synchronized (accepted) {
            seen = List.copyOf(accepted);
        }
        for (Collector collector : seen) {
            await(collector.closed);
        }
        eventually("the server closed its side of every accepted connection",
                () -> server.openConnectionCount() == 0);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void dialTimesOutAgainstAFullAcceptBacklogAndClosesTheSocket(boolean nativeEpoll) throws Exception {
        TcpTransport client = newTransport(nativeEpoll);
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            boolean full = false;
            // Never accepted: once the backlog is full the kernel drops further SYNs.
            for (int i = 0; i < 16 && !full; i++) {
                Socket filler = new Socket();
                fillers.add(filler);
                try {
                    filler.connect(target, 200);
                } catch (SocketTimeoutException e) {
                    full = true;
                }
            }
            assumeTrue(full, "the kernel kept accepting connections beyond the backlog; cannot provoke a timeout");

            Multiaddr address = Multiaddr.fromInetSocketAddress(target,
                    io.meshwork.libp2p.api.multiaddr.Protocol.TCP);
            long start = System.nanoTime();
            Throwable failure = awaitFailure(client.dial(address, Duration.ofMillis(300)));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(SocketTimeoutException.class, failure, failure::toString);
            assertTrue(failure.getMessage().contains(address.toString()), failure::getMessage);
            assertTrue(elapsedMillis >= 250, "timed out after only " + elapsedMillis + " ms");
            eventually("the timed-out dial's socket is closed", () -> client.openConnectionCount() == 0);
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void dialsLeaveFromTheListenPortAndFallBackWhenItIsTaken() throws Exception {
        TcpTransport server = newTransport(true);
        TcpTransport client = newTransport(true);
        assumeTrue(client.isNativeEpoll(), "native epoll is unavailable; dialing from the listen port needs it");
        Acceptor acceptor = new Acceptor();
        Transport.Listener serverListener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        Transport.Listener clientListener = client.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), c -> { });
        int listenPort = clientListener.address().toInetSocketAddress().orElseThrow().getPort();

        RawConnection first = await(client.dial(serverListener.address(), Duration.ofSeconds(5)));
        assertEquals(listenPort, first.localAddress().toInetSocketAddress().orElseThrow().getPort());
        assertEquals(first.localAddress(), acceptor.next().remoteAddress());

        // Same 4-tuple again is impossible: the second dial falls back to an ephemeral port.
        RawConnection second = await(client.dial(serverListener.address(), Duration.ofSeconds(5)));
        assertNotEquals(listenPort, second.localAddress().toInetSocketAddress().orElseThrow().getPort());
        acceptor.next();

        // The listener still accepts while a dial uses its port.
        RawConnection back = await(server.dial(clientListener.address(), Duration.ofSeconds(5)));
        assertTrue(back.isOpen());
    }

    @Test
    void dialingFromTheListenPortCanBeTurnedOff() throws Exception {
        TcpTransport server = newTransport(true);
        TcpTransport client = newTransport(true, Map.of("dial_from_listen_port", false));
        Transport.Listener serverListener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), c -> { });
        Transport.Listener clientListener = client.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), c -> { });
        int listenPort = clientListener.address().toInetSocketAddress().orElseThrow().getPort();
        RawConnection outbound = await(client.dial(serverListener.address(), Duration.ofSeconds(5)));
        assertNotEquals(listenPort, outbound.localAddress().toInetSocketAddress().orElseThrow().getPort());
    }

    @Test
    void dialingItsOwnListenerDoesNotConnectTheSocketToItself() throws Exception {
        TcpTransport transport = newTransport(true);
        Acceptor acceptor = new Acceptor();
        Transport.Listener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), acceptor);
        RawConnection outbound = await(transport.dial(listener.address(), Duration.ofSeconds(5)));
        RawConnection inbound = acceptor.next();
        assertEquals(outbound.localAddress(), inbound.remoteAddress());
        assertNotEquals(outbound.localAddress(), outbound.remoteAddress());
    }
}
