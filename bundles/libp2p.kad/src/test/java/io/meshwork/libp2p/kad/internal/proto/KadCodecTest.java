package io.meshwork.libp2p.kad.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.KadPeer;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.KadRecord;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.Type;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KadCodecTest {

    private static final byte[] ID = HexFormat.of().parseHex(
            "002408011220" + "aa".repeat(32)); // an identity multihash of an Ed25519 key

    @Test
    void roundTripsEveryField() {
        KadPeer peer = new KadPeer(ID, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").bytes()), 1);
        KadMessage m = new KadMessage(Type.GET_PROVIDERS, "key".getBytes(), new KadRecord("k".getBytes(),
                "v".getBytes(), "2026-01-01T00:00:00Z"), List.of(peer), List.of(peer, peer));
        KadMessage d = KadCodec.decode(KadCodec.encode(m));
        assertEquals(Type.GET_PROVIDERS, d.type());
        assertArrayEquals("key".getBytes(), d.key());
        assertArrayEquals("v".getBytes(), d.record().value());
        assertEquals("2026-01-01T00:00:00Z", d.record().timeReceived());
        assertEquals(1, d.closerPeers().size());
        assertEquals(2, d.providerPeers().size());
        assertArrayEquals(ID, d.closerPeers().get(0).id());
        assertEquals(1, d.closerPeers().get(0).connection());
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"),
                Multiaddr.fromBytes(d.closerPeers().get(0).addrs().get(0)));
    }

    @Test
    void putValueTypeZeroIsWrittenAndAnAbsentTypeMeansPutValue() {
        byte[] encoded = KadCodec.encode(KadMessage.request(Type.PUT_VALUE, new byte[] {1}));
        assertEquals(0x08, encoded[0]); // field 1 varint, value 0
        assertEquals(Type.PUT_VALUE, KadCodec.decode(new Protobuf.Writer().bytes(2, new byte[] {1}).toByteArray())
                .type());
    }

    @Test
    void knownBytesFromTheSpecSchemaDecode() {
        // type=FIND_NODE(4), key=0x0102, clusterLevelRaw=0 (field 10, skipped), one closer peer with one address
        byte[] peer = new Protobuf.Writer().bytes(1, ID).bytes(2, Multiaddr.parse("/ip4/1.2.3.4/tcp/1").bytes())
                .toByteArray();
        byte[] msg = new Protobuf.Writer().uint64(1, 4).bytes(2, new byte[] {1, 2}).uint64(10, 0).bytes(8, peer)
                .toByteArray();
        KadMessage d = KadCodec.decode(msg);
        assertEquals(Type.FIND_NODE, d.type());
        assertNull(d.record());
        assertEquals(1, d.closerPeers().size());
    }

    @Test
    void refusesWhatIsOutOfBounds() {
        assertThrows(MalformedDataException.class, () -> KadCodec.decode(new Protobuf.Writer().uint64(1, 9)
                .toByteArray()), "unknown type");
        assertThrows(MalformedDataException.class, () -> KadCodec.decode(new Protobuf.Writer()
                .bytes(2, new byte[KadCodec.MAX_KEY_LENGTH + 1]).toByteArray()), "key too long");
        Protobuf.Writer many = new Protobuf.Writer();
        byte[] peer = new Protobuf.Writer().bytes(1, ID).toByteArray();
        for (int i = 0; i <= KadCodec.MAX_PEERS; i++) {
            many.bytes(8, peer);
        }
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> KadCodec.decode(many.toByteArray()));
        assertTrue(e.getMessage().contains("closerPeers"), e.getMessage());
        assertThrows(MalformedDataException.class, () -> KadCodec.decode(new Protobuf.Writer()
                .bytes(8, new byte[0]).toByteArray()), "peer without id");
        assertThrows(MalformedDataException.class, () -> KadCodec.decode(new byte[] {0x12, 0x05, 1}),
                "truncated");
    }

    /** Random and mutated inputs: only ever a MalformedDataException, never another exception. */
    @Test
    void fuzz() {
        Random random = new Random(7);
        KadPeer peer = new KadPeer(ID, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").bytes()), 0);
        byte[] valid = KadCodec.encode(new KadMessage(Type.GET_VALUE, "/pk/abc".getBytes(),
                new KadRecord("/pk/abc".getBytes(), new byte[40], "t"), List.of(peer, peer), List.of(peer)));
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    input = java.util.Arrays.copyOf(input, random.nextInt(input.length));
                }
            }
            try {
                KadMessage m = KadCodec.decode(input);
                KadCodec.decode(KadCodec.encode(m)); // whatever decodes re-encodes
                decoded++;
            } catch (MalformedDataException expected) {
                // fine
            }
        }
        assertTrue(decoded > 1000, "some mutations stay valid: " + decoded);
    }
}
