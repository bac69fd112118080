package io.meshwork.libp2p.holepunch.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.testing.Fuzz;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecTest {

    static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());

    @Test
    void holePunchWireBytes() {
        // type = 100 (CONNECT): 08 64; one address /ip4/1.2.3.4/tcp/4001 = 04 01020304 06 0fa1
        byte[] connect = HolePunch.connect(List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001"))).encode();
        assertEquals("0864" + "1208" + "0401020304060fa1", HexFormat.of().formatHex(connect));
        // type = 300 (SYNC): 08 ac 02
        assertArrayEquals(HexFormat.of().parseHex("08ac02"), HolePunch.sync().encode());
        assertEquals(HolePunch.sync(), HolePunch.decode(HexFormat.of().parseHex("08ac02")));
    }

    @Test
    void holePunchRoundTripsAndSkipsUnknownAddressesAndFields() {
        HolePunch m = HolePunch.connect(List.of(Multiaddr.parse("/ip4/10.200.0.11/tcp/4001"),
                Multiaddr.parse("/ip6/::1/tcp/1"), Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + PEER)));
        assertEquals(m, HolePunch.decode(m.encode()));
        byte[] withJunk = new Protobuf.Writer().uint64(1, 100).bytes(2, new byte[] {(byte) 0xff, 0x7f})
                .bytes(2, Multiaddr.parse("/ip4/1.1.1.1/tcp/2").bytes()).uint64(9, 7).toByteArray();
        assertEquals(List.of(Multiaddr.parse("/ip4/1.1.1.1/tcp/2")), HolePunch.decode(withJunk).observedAddrs());
    }

    @Test
    void holePunchRejectsWhatIsWrong() {
        assertThrows(MalformedDataException.class, () -> HolePunch.decode(new byte[0]), "type is required");
        assertThrows(MalformedDataException.class, () -> HolePunch.decode(new Protobuf.Writer().uint64(1, 200)
                .toByteArray()));
        assertThrows(MalformedDataException.class, () -> HolePunch.decode(new byte[4097]));
        Protobuf.Writer many = new Protobuf.Writer().uint64(1, 100);
        for (int i = 0; i < HolePunch.MAX_ADDRS + 1; i++) {
            many.bytes(2, Multiaddr.parse("/ip4/1.2.3.4/tcp/" + (i + 1)).bytes());
        }
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> HolePunch.decode(many.toByteArray()));
        assertTrue(e.getMessage().contains("addresses"), e.getMessage());
    }

    @Test
    void holePunchEncodingStaysWithinTheLimit() {
        List<Multiaddr> big = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            big.add(Multiaddr.parse("/dns4/" + "x".repeat(200) + i + ".example/tcp/1"));
        }
        byte[] out = new HolePunch(HolePunch.Type.CONNECT, big).encode();
        assertTrue(out.length <= HolePunch.MAX_MESSAGE_SIZE);
        assertTrue(HolePunch.decode(out).observedAddrs().size() > 10);
    }

    @Test
    void autoNatRoundTrips() {
        AutoNatMessage dial = AutoNatMessage.dial(PEER, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001")));
        assertEquals(dial, AutoNatMessage.decode(dial.encode()));
        AutoNatMessage ok = AutoNatMessage.response(AutoNatMessage.Status.OK, "", Multiaddr.parse("/ip4/1.2.3.4/tcp/4001"));
        assertEquals(ok, AutoNatMessage.decode(ok.encode()));
        AutoNatMessage refused = AutoNatMessage.response(AutoNatMessage.Status.E_DIAL_REFUSED, "too many", null);
        assertEquals(refused, AutoNatMessage.decode(refused.encode()));
        // DIAL_RESPONSE{status=E_DIAL_ERROR}: 08 01 1a 02 08 64
        assertEquals(AutoNatMessage.Status.E_DIAL_ERROR,
                AutoNatMessage.decode(HexFormat.of().parseHex("08011a020864")).response().status());
        assertEquals("0801" + "1a020864", HexFormat.of().formatHex(
                AutoNatMessage.response(AutoNatMessage.Status.E_DIAL_ERROR, "", null).encode()));
    }

    @Test
    void autoNatRejectsWhatIsWrong() {
        assertThrows(MalformedDataException.class, () -> AutoNatMessage.decode(HexFormat.of().parseHex("0800")),
                "DIAL without dial");
        assertThrows(MalformedDataException.class, () -> AutoNatMessage.decode(HexFormat.of().parseHex("0801")),
                "DIAL_RESPONSE without response");
        assertThrows(MalformedDataException.class, () -> AutoNatMessage.decode(HexFormat.of().parseHex("0805")));
        assertThrows(MalformedDataException.class,
                () -> AutoNatMessage.decode(HexFormat.of().parseHex("08011a0208c8" + "01")), "status 200 + junk");
        assertThrows(MalformedDataException.class, () -> AutoNatMessage.decode(HexFormat.of().parseHex("08011a020809")),
                "unknown status 9");
    }

    /**
     * Seeded fuzzing: mutated valid messages, truncations and random bytes either decode to something that
     * re-encodes and decodes again, or fail with {@link MalformedDataException}; nothing else, nothing unbounded.
     */
    @Test
    void decodersOnlyEverThrowMalformedData() {
        Random random = new Random(6);
        List<byte[]> seeds = List.of(
                HolePunch.connect(List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"), Multiaddr.parse("/ip6/::1/tcp/2")))
                        .encode(),
                HolePunch.sync().encode(),
                AutoNatMessage.dial(PEER, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"))).encode(),
                AutoNatMessage.response(AutoNatMessage.Status.OK, "fine", Multiaddr.parse("/ip4/1.2.3.4/tcp/1"))
                        .encode());
        int decoded = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] input = Fuzz.input(random, seeds, i, 80);
            try {
                HolePunch m = HolePunch.decode(input);
                assertEquals(m, HolePunch.decode(m.encode()));
                decoded++;
            } catch (MalformedDataException expected) {
                // fine
            }
            try {
                AutoNatMessage m = AutoNatMessage.decode(input);
                AutoNatMessage again = AutoNatMessage.decode(m.encode());
                assertEquals(m.type(), again.type());
                assertEquals(m.dial(), again.dial());
                decoded++;
            } catch (MalformedDataException expected) {
                // fine
            }
        }
        assertTrue(decoded > 1000, "the fuzzer should also produce valid messages: " + decoded);
    }
}
