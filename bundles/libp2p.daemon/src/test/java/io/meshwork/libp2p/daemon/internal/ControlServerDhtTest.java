package io.meshwork.libp2p.daemon.internal;

import static io.meshwork.libp2p.daemon.internal.ControlServerTest.connect;
import static io.meshwork.libp2p.daemon.internal.ControlServerTest.readFrame;
import static io.meshwork.libp2p.daemon.internal.ControlServerTest.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.ContentRouting;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.api.routing.ValueStore;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.daemon.internal.proto.ControlRequest;
import io.meshwork.libp2p.daemon.internal.proto.ControlResponse;
import io.meshwork.libp2p.daemon.internal.proto.DaemonCodec;
import io.meshwork.libp2p.kad.internal.ExecutorScheduler;
import io.meshwork.libp2p.kad.internal.HostNetwork;
import io.meshwork.libp2p.kad.internal.KadHandler;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.engine.PublicKeyValidator;
import io.meshwork.libp2p.kad.internal.engine.SignedRecordValidator;
import io.meshwork.libp2p.kad.internal.engine.Validators;
import io.meshwork.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DHT requests end to end: two real hosts over loopback TCP, each with the real Kademlia engine (libp2p.kad) on
 * {@code /ipfs/kad/1.0.0} and a control server, driven through the control socket as the interop suite does.
 */
class ControlServerDhtTest {

    private static final String PROTOCOL = "/ipfs/kad/1.0.0";
    private static final ControlServer.Settings SETTINGS = new ControlServer.Settings(16, 64 * 1024, 4, 5_000,
            20_000, 64 * 1024, 16);
    // CIDv0 QmVzw6MPsF96TyXBSRs1ptLoVMWRv5FCYJZZGJSVB2Hp39, the one the suite's content routing rows provide
    private static final byte[] CID = HexFormat.of().parseHex(
            "122071d06777738897f4c23c702fedb2ade902cf580439ef4c44e64716150dd92e68");

    /** The routing API over an engine, as KadComponent provides it. */
    record Dht(TestNode node, KadEngine engine, ScheduledExecutorService thread, ControlServer daemon)
            implements PeerRouting, ContentRouting, ValueStore {

        @Override
        public CompletionStage<List<Multiaddr>> findPeer(PeerId peer) {
            return engine.findPeer(peer);
        }

        @Override
        public CompletionStage<Integer> provide(byte[] key) {
            return engine.provide(key);
        }

        @Override
        public CompletionStage<List<PeerInfo>> findProviders(byte[] key, int max) {
            return engine.findProviders(key, max);
        }

        @Override
        public CompletionStage<Integer> put(byte[] key, byte[] value) {
            return engine.put(key, value);
        }

        @Override
        public CompletionStage<byte[]> get(byte[] key, int quorum) {
            return engine.get(key, quorum);
        }

        void close() {
            daemon.close();
            node.close();
            thread.shutdownNow();
            engine.close();
        }
    }

    private final List<Dht> nodes = new ArrayList<>();

    private Dht start(String name, int seed) throws IOException {
        TestNode tn = TestNode.create(name);
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kad-" + name);
            t.setDaemon(true);
            return t;
        });
        Validators validators = new Validators();
        validators.add(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
        validators.add(SignedRecord.NAMESPACE, new SignedRecordValidator());
        KadEngine engine = new KadEngine(tn.peerId(), KadEngine.Config.defaults().withRequestTimeoutMs(5000),
                new HostNetwork(tn.host, PROTOCOL, 5000, thread), new ExecutorScheduler(thread), validators,
                new Random(seed));
        tn.addHandler(new KadHandler(engine, 16), false, PROTOCOL);
        tn.listen();
        Dht[] self = new Dht[1];
        HandlerRegistrar registrar = (protocols, handler) -> {
            BenchAccess.bindHandler(tn.host, handler, true, protocols.toArray(new String[0]));
            return () -> BenchAccess.unbindHandler(tn.host, handler);
        };
        ControlServer daemon = new ControlServer(tn.host, () -> null, new DhtRequests(() -> self[0],
                () -> self[0], () -> self[0], true), registrar, SETTINGS, new InetSocketAddress("127.0.0.1", 0));
        self[0] = new Dht(tn, engine, thread, daemon);
        nodes.add(self[0]);
        return self[0];
    }

    private Dht a;
    private Dht b;

    @BeforeEach
    void network() throws Exception {
        a = start("a", 1);
        b = start("b", 2);
        b.node().host.connect(a.node().address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        a.engine().addServerPeer(b.node().peerId());
        b.engine().addServerPeer(a.node().peerId());
    }

    @AfterEach
    void close() {
        nodes.forEach(Dht::close);
    }

    @Test
    void provideThenFindProvidersStreamsBeginValueEnd() throws Exception {
        ControlResponse provided = call(a.daemon(), dht(ControlRequest.Dht.PROVIDE, null, CID, null, null, 0));
        assertTrue(provided.ok(), provided.error());

        try (Socket s = connect(b.daemon())) {
            send(s, dht(ControlRequest.Dht.FIND_PROVIDERS, null, CID, null, null, 1));
            InputStream in = s.getInputStream();
            byte[] first = readFrame(in);
            assertTrue(DaemonCodec.decodeResponse(first).ok());
            assertEquals(0, DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(first)).type()); // BEGIN
            DaemonCodec.DhtResponse value = DaemonCodec.decodeDhtResponse(readFrame(in));
            assertEquals(1, value.type());
            assertEquals(a.node().peerId(), value.peer().id());
            assertTrue(value.peer().addrs().contains(a.node().address().withoutPeerId()), value.toString());
            assertEquals(2, DaemonCodec.decodeDhtResponse(readFrame(in)).type()); // END
            assertEquals(-1, in.read()); // and the daemon closes the connection
        }
    }

    @Test
    void putValueOnOneGetValueOnTheOther() throws Exception {
        // the suite's content fetching record is a /pk/ record: key /pk/<peer id multihash>, value the public key
        byte[] id = a.node().peerId().bytes();
        byte[] key = new byte[4 + id.length];
        System.arraycopy("/pk/".getBytes(StandardCharsets.US_ASCII), 0, key, 0, 4);
        System.arraycopy(id, 0, key, 4, id.length);
        byte[] value = a.node().identity.publicKey().marshal();
        ControlResponse put = call(a.daemon(), dht(ControlRequest.Dht.PUT_VALUE, null, null, key, value, 0));
        assertTrue(put.ok(), put.error());

        byte[] got = dhtValue(b.daemon(), dht(ControlRequest.Dht.GET_VALUE, null, null, key, null, 0));
        assertArrayEquals(value, got);

        // an invalid record is refused with the validator's reason
        ControlResponse bad = call(a.daemon(), dht(ControlRequest.Dht.PUT_VALUE, null, null, key, new byte[] {1, 2},
                0));
        assertTrue(bad.error().contains("not a public key"), bad.error());
        // and a key nobody stored is an error, not a hang
        byte[] missing = key.clone();
        missing[missing.length - 1] ^= 1;
        assertTrue(!call(b.daemon(), dht(ControlRequest.Dht.GET_VALUE, null, null, missing, null, 0)).ok());
    }

    @Test
    void findPeerAnswersTheAddresses() throws Exception {
        try (Socket s = connect(b.daemon())) {
            send(s, dht(ControlRequest.Dht.FIND_PEER, a.node().peerId(), null, null, null, 0));
            byte[] frame = readFrame(s.getInputStream());
            assertTrue(DaemonCodec.decodeResponse(frame).ok());
            DaemonCodec.DhtResponse d = DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(frame));
            assertEquals(a.node().peerId(), d.peer().id());
            assertTrue(d.peer().addrs().contains(a.node().address().withoutPeerId()), d.toString());
        }
    }

    private static ControlRequest dht(int type, PeerId peer, byte[] cid, byte[] key, byte[] value, int count) {
        return ControlRequest.dht(new ControlRequest.Dht(type, peer, cid, key, value, count, 0));
    }

    private static ControlResponse call(ControlServer server, ControlRequest request) throws IOException {
        try (Socket s = connect(server)) {
            send(s, request);
            return DaemonCodec.decodeResponse(readFrame(s.getInputStream()));
        }
    }

    private static byte[] dhtValue(ControlServer server, ControlRequest request) throws IOException {
        try (Socket s = connect(server)) {
            send(s, request);
            byte[] frame = readFrame(s.getInputStream());
            ControlResponse r = DaemonCodec.decodeResponse(frame);
            assertTrue(r.ok(), r.error());
            return DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(frame)).value();
        }
    }
}
