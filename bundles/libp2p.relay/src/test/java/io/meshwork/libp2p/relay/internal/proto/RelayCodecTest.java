package io.meshwork.libp2p.relay.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.SignedEnvelope;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact vectors written by hand from circuit.proto (tag = field << 3 | wire type). */
class RelayCodecTest {

    private static final PrivateKey RELAY_KEY = PrivateKey.generateEd25519(new SecureRandom());
    private static final PrivateKey PEER_KEY = PrivateKey.generateEd25519(new SecureRandom());
    private static final PeerId RELAY = PeerId.fromPublicKey(RELAY_KEY.publicKey());
    private static final PeerId PEER = PeerId.fromPublicKey(PEER_KEY.publicKey());

    private static byte[] cat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof String s ? HexFormat.of().parseHex(s.replace(" ", "")) : (byte[]) p);
        }
        return out.toByteArray();
    }

    @Test
    void reserveIsTypeZeroWrittenExplicitly() {
        assertArrayEquals(cat("08 00"), RelayCodec.encode(HopMessage.reserve()));
        assertEquals(HopMessage.reserve(), RelayCodec.decodeHop(cat("08 00")));
    }

    @Test
    void connectCarriesThePeerId() {
        byte[] id = PEER.bytes(); // 38 bytes for an Ed25519 identity multihash
        assertEquals(38, id.length);
        byte[] expected = cat("08 01", "12 28", "0a 26", id);
        assertArrayEquals(expected, RelayCodec.encode(HopMessage.connect(RelayPeer.of(PEER))));
        HopMessage m = RelayCodec.decodeHop(expected);
        assertEquals(HopMessage.Type.CONNECT, m.type());
        assertEquals(PEER, m.peer().id());
    }

    @Test
    void statusOkWithReservationAndLimit() {
        Multiaddr addr = Multiaddr.parse("/ip4/1.2.3.4/tcp/4001");
        byte[] a = addr.bytes(); // 04 01020304 06 0fa1
        assertArrayEquals(HexFormat.of().parseHex("0401020304060fa1"), a);
        HopMessage m = new HopMessage(HopMessage.Type.STATUS, null,
                new Reservation(300, List.of(addr), null), new Limit(3600, 64L << 20), RelayStatus.OK.code());
        byte[] expected = cat("08 02",
                "1a 0d", "08 ac02", "12 08", a,          // reservation: expire 300, one address
                "22 08", "08 901c", "10 80808020",        // limit: 3600 s, 2^26 bytes
                "28 64");                                  // status 100
        assertArrayEquals(expected, RelayCodec.encode(m));
        assertEquals(m, RelayCodec.decodeHop(expected));
    }

    @Test
    void refusalStatusAndUnknownStatusHaveNames() {
        byte[] bytes = cat("08 02 28 cc01");
        HopMessage m = RelayCodec.decodeHop(bytes);
        assertEquals(204, m.status());
        assertEquals("NO_RESERVATION", m.statusName());
        assertEquals("UNKNOWN_STATUS_299", RelayStatus.nameOf(299));
        assertTrue(RelayCodec.describe(202).startsWith("PERMISSION_DENIED ("));
        assertEquals(RelayStatus.UNEXPECTED_MESSAGE, RelayStatus.ofCode(401));
    }

    @Test
    void stopConnectWithLimit() {
        byte[] id = RELAY.bytes();
        byte[] expected = cat("08 00", "12 28", "0a 26", id, "1a 02", "08 78");
        StopMessage m = StopMessage.connect(RelayPeer.of(RELAY), new Limit(120, 0));
        assertArrayEquals(expected, RelayCodec.encode(m));
        assertEquals(m, RelayCodec.decodeStop(expected));
        assertArrayEquals(cat("08 01 20 64"), RelayCodec.encode(StopMessage.status(RelayStatus.OK)));
    }

    @Test
    void emptyLimitMeansUnlimited() {
        HopMessage m = RelayCodec.decodeHop(cat("08 02 22 00 28 64"));
        assertTrue(m.limit().isUnlimited());
        assertNull(m.reservation());
    }

    @Test
    void unknownFieldsAreSkippedAndUnparseableAddressesIgnored() {
        byte[] bytes = cat("08 02", "1a 05", "12 03 ffffff", "f8 01 07", "28 64"); // bad addr; field 31 varint
        HopMessage m = RelayCodec.decodeHop(bytes);
        assertEquals(List.of(), m.reservation().addrs());
    }

    @Test
    void malformedMessagesAreRejectedWithReasons() {
        assertThrows(MalformedDataException.class, () -> RelayCodec.decodeHop(cat("")), "missing type");
        assertThrows(MalformedDataException.class, () -> RelayCodec.decodeHop(cat("08 03")), "unknown type");
        assertThrows(MalformedDataException.class, () -> RelayCodec.decodeHop(cat("08 01 12 02 0a 01")));
        assertThrows(MalformedDataException.class, () -> RelayCodec.decodeHop(cat("08 01 12 05 0a")));
        assertThrows(MalformedDataException.class, () -> RelayCodec.decodeStop(cat("08 00 1a 06 08 8080808010")));
        assertThrows(MalformedDataException.class, () -> RelayCodec.decodeHop(new byte[4097]));
    }

    @Test
    void voucherIsCanonicalAndVerifiesAgainstTheRelay() {
        Voucher v = new Voucher(RELAY, PEER, 1_700_000_000L);
        assertArrayEquals(cat("0a 26", RELAY.bytes(), "12 26", PEER.bytes(), "18 80e2cfaa06"), v.payload());
        SignedEnvelope env = v.seal(RELAY_KEY.publicKey(), RELAY_KEY::sign);
        assertArrayEquals(cat("0302"), env.payloadType());
        assertEquals(v, Voucher.open(env.marshal()));
        SignedEnvelope forged = v.seal(PEER_KEY.publicKey(), PEER_KEY::sign);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Voucher.open(forged.marshal()));
        assertTrue(e.getMessage().contains("signed by"), e.getMessage());
    }
}
