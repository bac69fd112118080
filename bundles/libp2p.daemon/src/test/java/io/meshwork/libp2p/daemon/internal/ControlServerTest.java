package io.meshwork.libp2p.daemon.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.daemon.internal.proto.ControlRequest;
import io.meshwork.libp2p.daemon.internal.proto.ControlResponse;
import io.meshwork.libp2p.daemon.internal.proto.DaemonCodec;
import io.meshwork.libp2p.daemon.internal.proto.StreamInfo;
import io.meshwork.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two real hosts over loopback TCP, each with a control server, driven by a blocking p2pd client. */
class ControlServerTest {

    private static final ControlServer.Settings SETTINGS = new ControlServer.Settings(16, 64 * 1024, 4, 5_000,
            10_000, 64 * 1024, 16);

    private TestNode a;
    private TestNode b;
    private ControlServer daemonA;
    private ControlServer daemonB;

    @BeforeEach
    void start() throws IOException {
        a = TestNode.create("a").listen();
        b = TestNode.create("b").listen();
        daemonA = server(a);
        daemonB = server(b);
    }

    private static ControlServer server(TestNode node) throws IOException {
        HandlerRegistrar registrar = (protocols, handler) -> {
            BenchAccess.bindHandler(node.host, handler, true, protocols.toArray(new String[0]));
            return () -> BenchAccess.unbindHandler(node.host, handler);
        };
        return new ControlServer(node.host, () -> null, new DhtRequests(), registrar, SETTINGS,
                new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        daemonA.close();
        daemonB.close();
        a.close();
        b.close();
    }

    @Test
    void identifyConnectListPeersDisconnect() throws IOException {
        ControlResponse id = call(daemonB, ControlRequest.of(ControlRequest.Type.IDENTIFY));
        assertTrue(id.ok());
        assertEquals(b.peerId(), id.identify().id());
        assertEquals(b.host.listenAddresses(), id.identify().addrs());

        assertEquals(List.of(), peers(daemonA));
        assertTrue(call(daemonA, ControlRequest.connect(b.peerId(), id.identify().addrs(), 5)).ok());
        List<ControlResponse.PeerInfo> peers = call(daemonA, ControlRequest.of(ControlRequest.Type.LIST_PEERS))
                .peers();
        assertEquals(1, peers.size());
        assertEquals(b.peerId(), peers.get(0).id());

        assertTrue(call(daemonA, ControlRequest.disconnect(b.peerId())).ok());
        assertEquals(List.of(), peers(daemonA));
    }

    @Test
    void streamOpenAndStreamHandlerSpliceBothWays() throws Exception {
        try (ServerSocket handlerClient = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            Multiaddr at = Multiaddr.fromInetSocketAddress(
                    (InetSocketAddress) handlerClient.getLocalSocketAddress(), Protocol.TCP);
            assertTrue(call(daemonB, ControlRequest.streamHandler(at, List.of("/echo/1.0.0"))).ok());
            assertTrue(call(daemonA, ControlRequest.connect(b.peerId(), b.host.listenAddresses(), 5)).ok());

            try (Socket control = connect(daemonA)) {
                send(control, ControlRequest.streamOpen(b.peerId(), List.of("/echo/1.0.0"), 5));
                ControlResponse opened = DaemonCodec.decodeResponse(readFrame(control.getInputStream()));
                assertTrue(opened.ok(), String.valueOf(opened.error()));
                assertEquals(new StreamInfo(b.peerId(), opened.streamInfo().addr(), "/echo/1.0.0"),
                        opened.streamInfo());

                // the daemon of b dials our "handler client" and announces the stream
                try (Socket inbound = handlerClient.accept()) {
                    inbound.setSoTimeout(5_000);
                    StreamInfo info = DaemonCodec.decodeStreamInfo(readFrame(inbound.getInputStream()));
                    assertEquals(a.peerId(), info.peer());
                    assertEquals("/echo/1.0.0", info.protocol());

                    byte[] hello = "hello through the daemon".getBytes(StandardCharsets.UTF_8);
                    control.getOutputStream().write(hello);
                    control.getOutputStream().flush();
                    byte[] got = inbound.getInputStream().readNBytes(hello.length);
                    assertArrayEquals(hello, got);
                    // and back (the "echo")
                    inbound.getOutputStream().write(got);
                    inbound.getOutputStream().flush();
                    assertArrayEquals(hello, control.getInputStream().readNBytes(hello.length));

                    // a half-close travels across
                    control.shutdownOutput();
                    assertEquals(-1, inbound.getInputStream().read());
                    inbound.shutdownOutput();
                    assertEquals(-1, control.getInputStream().read());
                }
            }
        }
    }

    @Test
    void errorsAreClearAndBounded() throws IOException {
        ControlResponse dht = call(daemonA, ControlRequest.dht(new ControlRequest.Dht(ControlRequest.Dht.GET_VALUE,
                null, null, new byte[] {1}, null, 0, 0)));
        assertFalse(dht.ok());
        assertEquals(DhtRequests.UNAVAILABLE, dht.error()); // no routing services here

        ControlResponse noPubsub = call(daemonA, ControlRequest.pubsub(new ControlRequest.PubSub(
                ControlRequest.PubSub.GET_TOPICS, null, null)));
        assertEquals("pubsub not available in this node", noPubsub.error());

        ControlResponse unreachable = call(daemonA, ControlRequest.connect(b.peerId(),
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")), 5));
        assertFalse(unreachable.ok());
        assertTrue(unreachable.error().startsWith("dial /ip4/127.0.0.1/tcp/1/p2p/"), unreachable.error());

        ControlResponse unsupported = call(daemonA, ControlRequest.of(ControlRequest.Type.PEERSTORE));
        assertEquals("PEERSTORE requests are not supported", unsupported.error());

        ControlResponse noStream = call(daemonA, ControlRequest.streamOpen(b.peerId(), List.of("/nope/1"), 5));
        assertFalse(noStream.ok());

        // a request larger than the limit is refused after its length prefix
        try (Socket s = connect(daemonA)) {
            s.getOutputStream().write(Varint.encode(1 << 20));
            s.getOutputStream().flush();
            ControlResponse tooBig = DaemonCodec.decodeResponse(readFrame(s.getInputStream()));
            assertTrue(tooBig.error().contains("exceeds the limit of 65536 bytes"), tooBig.error());
        }
        // garbage
        try (Socket s = connect(daemonA)) {
            s.getOutputStream().write(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            ControlResponse bad = DaemonCodec.decodeResponse(readFrame(s.getInputStream()));
            assertTrue(bad.error().startsWith("malformed request"), bad.error());
        }

        // handler registrations are bounded
        Multiaddr at = Multiaddr.parse("/ip4/127.0.0.1/tcp/9");
        assertTrue(call(daemonA, ControlRequest.streamHandler(at, List.of("/1", "/2", "/3", "/4"))).ok());
        assertTrue(call(daemonA, ControlRequest.streamHandler(at, List.of("/4"))).ok()); // replacing is fine
        assertTrue(call(daemonA, ControlRequest.streamHandler(at, List.of("/5"))).error()
                .startsWith("too many stream handlers"));
        assertEquals(4, daemonA.registeredHandlers());
        // the metrics' counters
        assertEquals(1L, daemonA.requests().get("DHT"));
        assertEquals(1L, daemonA.requests().get("MALFORMED"));
        assertEquals(3L, daemonA.requests().get("STREAM_HANDLER"));
        assertEquals(8L, daemonA.errors());
        // a length prefix longer than a varint may be (ff x9 7f would decode to a negative length)
        try (Socket s = connect(daemonA)) {
            byte[] overlong = new byte[10];
            java.util.Arrays.fill(overlong, 0, 9, (byte) 0xff);
            overlong[9] = 0x7f;
            s.getOutputStream().write(overlong);
            ControlResponse bad = DaemonCodec.decodeResponse(readFrame(s.getInputStream()));
            assertEquals("malformed request: bad length prefix", bad.error());
        }
        daemonA.close();
        assertEquals(0, daemonA.registeredHandlers());
        assertTrue(a.host.protocols().stream().noneMatch(p -> p.equals("/1")));
    }

    // ------------------------------------------------------------------ a tiny blocking client

    static Socket connect(ControlServer server) throws IOException {
        InetSocketAddress at = server.multiaddr().toInetSocketAddress().orElseThrow();
        Socket s = new Socket(at.getAddress(), at.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static ControlResponse call(ControlServer server, ControlRequest request) throws IOException {
        try (Socket s = connect(server)) {
            send(s, request);
            return DaemonCodec.decodeResponse(readFrame(s.getInputStream()));
        }
    }

    /** LIST_PEERS; an empty list is absent on the wire. */
    private static List<ControlResponse.PeerInfo> peers(ControlServer server) throws IOException {
        List<ControlResponse.PeerInfo> peers = call(server, ControlRequest.of(ControlRequest.Type.LIST_PEERS)).peers();
        return peers == null ? List.of() : peers;
    }

    static void send(Socket s, ControlRequest request) throws IOException {
        byte[] body = DaemonCodec.encode(request);
        OutputStream out = s.getOutputStream();
        out.write(Varint.encode(body.length));
        out.write(body);
        out.flush();
    }

    static byte[] readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed before a frame");
            }
            prefix.write(b);
        } while ((b & 0x80) != 0);
        int length = (int) Varint.decode(prefix.toByteArray());
        byte[] body = new byte[length];
        new DataInputStream(in).readFully(body);
        return body;
    }

    @SuppressWarnings("unused")
    private static StreamHandler unused() {
        return s -> { };
    }
}
