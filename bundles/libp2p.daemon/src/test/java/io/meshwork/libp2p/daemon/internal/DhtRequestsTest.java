package io.meshwork.libp2p.daemon.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.ContentRouting;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.RoutingException;
import io.meshwork.libp2p.api.routing.ValueStore;
import io.meshwork.libp2p.daemon.internal.proto.ControlRequest;
import io.meshwork.libp2p.daemon.internal.proto.ControlResponse;
import io.meshwork.libp2p.daemon.internal.proto.DaemonCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** DHT requests against fake routing services: what is called, and the exact messages sent back. */
class DhtRequestsTest {

    private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom())
            .publicKey());
    private static final PeerId OTHER = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom())
            .publicKey());
    private static final Multiaddr ADDR = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    // CIDv0 QmVzw6MPsF96TyXBSRs1ptLoVMWRv5FCYJZZGJSVB2Hp39 (the suite's content routing CID) as bytes
    private static final byte[] CID_V0 = HexFormat.of().parseHex(
            "122071d06777738897f4c23c702fedb2ade902cf580439ef4c44e64716150dd92e68");

    /** Records what it was asked and answers from its fields. */
    static final class FakeDht implements PeerRouting, ContentRouting, ValueStore {
        final List<String> calls = new ArrayList<>();
        List<Multiaddr> addrs = List.of(ADDR);
        List<PeerInfo> providers = List.of();
        byte @org.jspecify.annotations.Nullable [] value;
        @org.jspecify.annotations.Nullable RuntimeException failure;

        private <T> CompletionStage<T> answer(T t) {
            return failure != null ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(t);
        }

        @Override
        public CompletionStage<List<Multiaddr>> findPeer(PeerId peer) {
            calls.add("findPeer " + peer);
            return answer(addrs);
        }

        @Override
        public CompletionStage<Integer> provide(byte[] key) {
            calls.add("provide " + HexFormat.of().formatHex(key));
            return answer(3);
        }

        @Override
        public CompletionStage<List<PeerInfo>> findProviders(byte[] key, int max) {
            calls.add("findProviders " + HexFormat.of().formatHex(key) + " " + max);
            return answer(providers);
        }

        @Override
        public CompletionStage<Integer> put(byte[] key, byte[] v) {
            calls.add("put " + new String(key, StandardCharsets.ISO_8859_1) + " " + v.length);
            return answer(2);
        }

        @Override
        public CompletionStage<byte[]> get(byte[] key, int quorum) {
            calls.add("get " + new String(key, StandardCharsets.ISO_8859_1) + " " + quorum);
            if (value == null) {
                return CompletableFuture.failedFuture(new RoutingException("no value found"));
            }
            return answer(value);
        }
    }

    private final FakeDht fake = new FakeDht();
    private final DhtRequests requests = new DhtRequests(() -> fake, () -> fake, () -> fake, true);

    private static ControlRequest.Dht dht(int type, PeerId peer, byte[] cid, byte[] key, byte[] value, int count) {
        return new ControlRequest.Dht(type, peer, cid, key, value, count, 0);
    }

    private static DhtRequests.Answer run(DhtRequests r, ControlRequest.Dht request) {
        try {
            return r.handle(request).toCompletableFuture().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void findPeerAnswersOneResponseWithThePeerInfo() throws Exception {
        DhtRequests.Answer a = run(requests, dht(ControlRequest.Dht.FIND_PEER, PEER, null, null, null, 0));
        assertTrue(a.ok());
        assertEquals(1, a.messages().size());
        ControlResponse response = DaemonCodec.decodeResponse(a.messages().get(0));
        assertTrue(response.ok());
        DaemonCodec.DhtResponse d = DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(a.messages().get(0)));
        assertEquals(1, d.type()); // VALUE
        assertEquals(new ControlResponse.PeerInfo(PEER, List.of(ADDR)), d.peer());
        assertEquals(List.of("findPeer " + PEER), fake.calls);
    }

    @Test
    void putAndGetValue() throws Exception {
        byte[] key = ("/pk/").getBytes(StandardCharsets.US_ASCII);
        key = Arrays.copyOf(key, key.length + 2);
        key[4] = 0x12;
        key[5] = (byte) 0xff; // binary key bytes pass through untouched
        DhtRequests.Answer put = run(requests, dht(ControlRequest.Dht.PUT_VALUE, null, null, key, new byte[] {7, 8},
                0));
        assertTrue(put.ok());
        assertEquals(ControlResponse.okEmpty(), DaemonCodec.decodeResponse(put.messages().get(0)));
        assertNull(DaemonCodec.dhtOf(put.messages().get(0)));

        fake.value = new byte[] {7, 8};
        DhtRequests.Answer get = run(requests, dht(ControlRequest.Dht.GET_VALUE, null, null, key, null, 0));
        assertTrue(get.ok());
        DaemonCodec.DhtResponse d = DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(get.messages().get(0)));
        assertEquals(1, d.type());
        assertArrayEquals(new byte[] {7, 8}, d.value());
        String k = new String(key, StandardCharsets.ISO_8859_1);
        assertEquals(List.of("put " + k + " 2", "get " + k + " 1"), fake.calls);
    }

    @Test
    void getValueNotFoundIsAnError() throws Exception {
        CompletableFuture<DhtRequests.Answer> f = requests.handle(dht(ControlRequest.Dht.GET_VALUE, null, null,
                "/pk/x".getBytes(StandardCharsets.US_ASCII), null, 0)).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertEquals("no value found", e.getCause().getMessage()); // the server answers ERROR with the message
    }

    @Test
    void provideUsesTheMultihashOfTheCid() throws Exception {
        DhtRequests.Answer a = run(requests, dht(ControlRequest.Dht.PROVIDE, null, CID_V0, null, null, 0));
        assertTrue(a.ok());
        assertEquals(ControlResponse.okEmpty(), DaemonCodec.decodeResponse(a.messages().get(0)));
        assertEquals(List.of("provide " + HexFormat.of().formatHex(CID_V0)), fake.calls);

        // CIDv1 (version 1, dag-pb 0x70) of the same multihash: the key is the same
        byte[] v1 = new byte[CID_V0.length + 2];
        v1[0] = 1;
        v1[1] = 0x70;
        System.arraycopy(CID_V0, 0, v1, 2, CID_V0.length);
        run(requests, dht(ControlRequest.Dht.PROVIDE, null, v1, null, null, 0));
        assertEquals("provide " + HexFormat.of().formatHex(CID_V0), fake.calls.get(1));
    }

    @Test
    void findProvidersStreamsBeginValuesEnd() throws Exception {
        fake.providers = List.of(new PeerInfo(PEER, List.of(ADDR)), new PeerInfo(OTHER, List.of()));
        DhtRequests.Answer a = run(requests, dht(ControlRequest.Dht.FIND_PROVIDERS, null, CID_V0, null, null, 5));
        assertTrue(a.ok());
        assertEquals(4, a.messages().size());
        assertTrue(DaemonCodec.decodeResponse(a.messages().get(0)).ok());
        assertEquals(0, DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(a.messages().get(0))).type()); // BEGIN
        DaemonCodec.DhtResponse first = DaemonCodec.decodeDhtResponse(a.messages().get(1));
        assertEquals(1, first.type());
        assertEquals(new ControlResponse.PeerInfo(PEER, List.of(ADDR)), first.peer());
        assertEquals(new ControlResponse.PeerInfo(OTHER, List.of()),
                DaemonCodec.decodeDhtResponse(a.messages().get(2)).peer());
        assertEquals(2, DaemonCodec.decodeDhtResponse(a.messages().get(3)).type()); // END
        assertEquals(List.of("findProviders " + HexFormat.of().formatHex(CID_V0) + " 5"), fake.calls);

        // no count: the default; a huge count: capped; none found: BEGIN then END
        fake.providers = List.of();
        DhtRequests.Answer none = run(requests, dht(ControlRequest.Dht.FIND_PROVIDERS, null, CID_V0, null, null,
                0));
        assertEquals(2, none.messages().size());
        run(requests, dht(ControlRequest.Dht.FIND_PROVIDERS, null, CID_V0, null, null, Integer.MAX_VALUE));
        assertTrue(fake.calls.get(1).endsWith(" " + DhtRequests.DEFAULT_PROVIDERS));
        assertTrue(fake.calls.get(2).endsWith(" " + DhtRequests.MAX_PROVIDERS));
    }

    @Test
    void publicKeyOfAnEd25519PeerIsInlined() throws Exception {
        DhtRequests.Answer a = run(requests, dht(ControlRequest.Dht.GET_PUBLIC_KEY, PEER, null, null, null, 0));
        assertArrayEquals(PEER.publicKey().orElseThrow().marshal(),
                DaemonCodec.decodeDhtResponse(DaemonCodec.dhtOf(a.messages().get(0))).value());
        assertEquals(List.of(), fake.calls);
    }

    @Test
    void errorsAreClear() throws Exception {
        DhtRequests none = new DhtRequests(() -> null, () -> null, () -> null, true);
        for (int type : new int[] {ControlRequest.Dht.FIND_PEER, ControlRequest.Dht.GET_VALUE,
                ControlRequest.Dht.PUT_VALUE, ControlRequest.Dht.PROVIDE, ControlRequest.Dht.FIND_PROVIDERS}) {
            DhtRequests.Answer a = run(none, dht(type, PEER, CID_V0, new byte[] {1}, new byte[] {2}, 1));
            assertFalse(a.ok());
            assertEquals(DhtRequests.UNAVAILABLE, DaemonCodec.decodeResponse(a.messages().get(0)).error());
        }
        DhtRequests off = new DhtRequests(() -> fake, () -> fake, () -> fake, false);
        assertTrue(DaemonCodec.decodeResponse(run(off, dht(ControlRequest.Dht.FIND_PEER, PEER, null, null, null, 0))
                .messages().get(0)).error().startsWith("DHT not enabled"));

        assertEquals("DHT FIND_PEER request without its peer field", error(dht(ControlRequest.Dht.FIND_PEER, null,
                null, null, null, 0)));
        assertEquals("DHT PUT_VALUE request without its value field", error(dht(ControlRequest.Dht.PUT_VALUE, null,
                null, new byte[] {1}, null, 0)));
        assertEquals("DHT request GET_CLOSEST_PEERS is not supported by this node", error(dht(
                ControlRequest.Dht.GET_CLOSEST_PEERS, null, null, new byte[] {1}, null, 0)));
        assertEquals("unknown DHT request type 99", error(dht(99, null, null, null, null, 0)));
        assertTrue(error(dht(ControlRequest.Dht.PROVIDE, null, new byte[] {2, 0x70}, null, null, 0))
                .startsWith("invalid CID"));
        assertTrue(error(dht(ControlRequest.Dht.PROVIDE, null, new byte[] {1, 0x70, 0x12, 0x20, 1}, null, null, 0))
                .startsWith("invalid CID"));
        assertTrue(error(dht(ControlRequest.Dht.PROVIDE, null, new byte[] {1, (byte) 0x80}, null, null, 0))
                .startsWith("invalid CID"));
        assertEquals(List.of(), fake.calls);
    }

    @Test
    void randomCidsNeverThrowAnythingButIllegalArgument() {
        SecureRandom random = new SecureRandom(new byte[] {4});
        for (int i = 0; i < 5000; i++) {
            byte[] cid = new byte[random.nextInt(48)];
            random.nextBytes(cid);
            if (i % 2 == 0 && cid.length > 4) {
                cid[0] = 1;
            }
            try {
                byte[] mh = DhtRequests.multihash(cid);
                assertTrue(mh.length > 0 && mh.length <= cid.length);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("invalid CID"));
            }
        }
    }

    private String error(ControlRequest.Dht request) {
        DhtRequests.Answer a = run(requests, request);
        assertFalse(a.ok());
        return DaemonCodec.decodeResponse(a.messages().get(0)).error();
    }
}
