package io.meshwork.libp2p.daemon.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonCodecTest {

    static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
    static final Multiaddr ADDR = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");

    @Test
    void identifyRequestIsTypeZeroWrittenExplicitly() {
        // what the js client sends for IDENTIFY: field 1 = 0, present on the wire
        assertArrayEquals(new byte[] {0x08, 0x00}, DaemonCodec.encode(ControlRequest.of(ControlRequest.Type.IDENTIFY)));
        ControlRequest r = DaemonCodec.decodeRequest(new byte[] {0x08, 0x00});
        assertEquals(ControlRequest.Type.IDENTIFY, r.knownType());
    }

    @Test
    void requestsRoundTrip() {
        List<ControlRequest> requests = List.of(
                ControlRequest.connect(PEER, List.of(ADDR, Multiaddr.parse("/ip6/::1/tcp/1")), 30),
                ControlRequest.streamOpen(PEER, List.of("/echo/1.0.0", "/x"), 0),
                ControlRequest.streamHandler(ADDR, List.of("/echo/1.0.0")),
                ControlRequest.disconnect(PEER),
                ControlRequest.pubsub(new ControlRequest.PubSub(ControlRequest.PubSub.PUBLISH, "t",
                        "data".getBytes(StandardCharsets.UTF_8))),
                ControlRequest.pubsub(new ControlRequest.PubSub(ControlRequest.PubSub.GET_TOPICS, null, null)),
                ControlRequest.dht(new ControlRequest.Dht(ControlRequest.Dht.PUT_VALUE, PEER, null, new byte[] {1},
                        new byte[] {2}, 20, -1)),
                ControlRequest.of(ControlRequest.Type.LIST_PEERS));
        for (ControlRequest r : requests) {
            assertEquals(r, DaemonCodec.decodeRequest(DaemonCodec.encode(r)), r.toString());
        }
    }

    @Test
    void responsesRoundTrip() {
        List<ControlResponse> responses = List.of(
                ControlResponse.okEmpty(),
                ControlResponse.error("NO_RESERVATION: nope"),
                ControlResponse.identify(PEER, List.of(ADDR)),
                ControlResponse.streamInfo(new StreamInfo(PEER, ADDR, "/echo/1.0.0")),
                ControlResponse.peers(List.of(new ControlResponse.PeerInfo(PEER, List.of(ADDR)))),
                ControlResponse.pubsub(new ControlResponse.PubSubResponse(List.of(), List.of())),
                ControlResponse.pubsub(new ControlResponse.PubSubResponse(List.of("a", "b"), List.of(PEER))));
        for (ControlResponse r : responses) {
            assertEquals(r, DaemonCodec.decodeResponse(DaemonCodec.encode(r)), r.toString());
        }
    }

    @Test
    void emptyPubSubResponseIsStillPresent() {
        // the js client rejects a LIST_PEERS answer without a PSResponse ("Invalid response")
        byte[] wire = DaemonCodec.encode(ControlResponse.pubsub(new ControlResponse.PubSubResponse(List.of(),
                List.of())));
        assertEquals("08003a00", HexFormat.of().formatHex(wire));
    }

    @Test
    void streamInfoAndPsMessageRoundTrip() {
        StreamInfo info = new StreamInfo(PEER, ADDR, "/echo/1.0.0");
        assertEquals(info, DaemonCodec.decodeStreamInfo(DaemonCodec.encode(info)));
        PsMessage m = new PsMessage(PEER.bytes(), new byte[] {1, 2, 3}, new byte[] {0, 0, 0, 0, 0, 0, 0, 7},
                List.of("topic"));
        assertEquals(m, DaemonCodec.decodePsMessage(DaemonCodec.encode(m)));
    }

    @Test
    void badInputGivesClearErrors() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DaemonCodec.decodeRequest(new byte[0]));
        assertTrue(e.getMessage().contains("missing type"), e.getMessage());
        // CONNECT with an invalid peer ID
        byte[] badPeer = new Protobuf.Writer().uint64(1, 1)
                .bytes(2, new Protobuf.Writer().bytes(1, new byte[] {1, 2, 3}).toByteArray()).toByteArray();
        e = assertThrows(MalformedDataException.class, () -> DaemonCodec.decodeRequest(badPeer));
        assertTrue(e.getMessage().contains("invalid peer ID"), e.getMessage());
        // too many addresses
        Protobuf.Writer connect = new Protobuf.Writer().bytes(1, PEER.bytes());
        for (int i = 0; i <= DaemonCodec.MAX_ADDRS; i++) {
            connect.bytes(2, ADDR.bytes());
        }
        byte[] tooMany = new Protobuf.Writer().uint64(1, 1).bytes(2, connect.toByteArray()).toByteArray();
        e = assertThrows(MalformedDataException.class, () -> DaemonCodec.decodeRequest(tooMany));
        assertTrue(e.getMessage().contains("more than 64 addresses"), e.getMessage());
        // invalid UTF-8 protocol
        byte[] badText = new Protobuf.Writer().uint64(1, 2).bytes(3, new Protobuf.Writer().bytes(1, PEER.bytes())
                .bytes(2, new byte[] {(byte) 0xff}).toByteArray()).toByteArray();
        e = assertThrows(MalformedDataException.class, () -> DaemonCodec.decodeRequest(badText));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void unknownFieldsAndTypesAreKept() {
        byte[] wire = new Protobuf.Writer().uint64(1, 42).bytes(99, new byte[] {1, 2}).toByteArray();
        ControlRequest r = DaemonCodec.decodeRequest(wire);
        assertEquals(42, r.type());
        assertEquals(null, r.knownType());
    }
}
