package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseHandshakePayloadTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static NoiseException rejects(String hex) {
        NoiseException e = assertThrows(NoiseException.class, () -> NoiseHandshakePayload.decode(hex(hex)));
        assertEquals(NoiseException.Reason.MALFORMED_PAYLOAD, e.reason());
        return e;
    }

    @Test
    void encodesFieldsInOrderWithTheirTags() {
        NoiseHandshakePayload payload = new NoiseHandshakePayload(hex("0102"), hex("aabbcc"),
                new NoiseExtensions(List.of(hex("ff")), List.of("/yamux/1.0.0")));
        // 0a 02 key | 12 03 sig | 22 11 ( 0a 01 ff | 12 0c "/yamux/1.0.0" )
        assertEquals("0a020102" + "1203aabbcc" + "2211" + "0a01ff" + "120c2f79616d75782f312e302e30",
                HexFormat.of().formatHex(payload.encode()));
    }

    @Test
    void roundTripsWithAndWithoutExtensions() throws NoiseException {
        NoiseHandshakePayload full = new NoiseHandshakePayload(new byte[36], new byte[64],
                new NoiseExtensions(List.of(new byte[34], new byte[3]), List.of("/yamux/1.0.0", "/mplex/6.7.0")));
        assertEquals(full, NoiseHandshakePayload.decode(full.encode()));
        NoiseHandshakePayload bare = new NoiseHandshakePayload(new byte[36], new byte[64], null);
        assertEquals(bare, NoiseHandshakePayload.decode(bare.encode()));
        assertEquals(104, bare.encode().length, "Ed25519 payload size from the spec");
        NoiseHandshakePayload empty = NoiseHandshakePayload.decode(new byte[0]);
        assertNull(empty.identityKey());
        assertNull(empty.identitySig());
        assertNull(empty.extensions());
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() throws NoiseException {
        // field 3 varint, field 5 fixed64, field 6 fixed32, field 7 bytes, then identity_key; extensions with an
        // unknown field 1025 (experimental code point) before stream_muxers
        NoiseHandshakePayload p = NoiseHandshakePayload.decode(hex("18 96 01" + "29 0102030405060708"
                + "35 01020304" + "3a 03 aabbcc" + "0a 01 07" + "22 07 8840 7f 12 02 2f61"));
        assertArrayEquals(hex("07"), p.identityKey());
        assertEquals(List.of("/a"), p.extensions().streamMuxers());
    }

    @Test
    void rejectsDuplicateKnownFields() {
        assertTrue(rejects("0a0101 0a0102").getMessage().contains("duplicate identity_key"));
        assertTrue(rejects("120101 120102").getMessage().contains("duplicate identity_sig"));
        assertTrue(rejects("2200 2200").getMessage().contains("duplicate extensions"));
    }

    @Test
    void rejectsKnownFieldsWithTheWrongWireType() {
        assertTrue(rejects("08 01").getMessage().contains("must be length-delimited"));
        assertTrue(rejects("22 02 10 01").getMessage().contains("must be length-delimited"));
    }

    @Test
    void rejectsGroupsInvalidWireTypesAndFieldZero() {
        assertTrue(rejects("1b 1c").getMessage().contains("group"));
        assertTrue(rejects("1e").getMessage().contains("invalid wire type 6"));
        assertTrue(rejects("1f").getMessage().contains("invalid wire type 7"));
        assertTrue(rejects("02 00").getMessage().contains("invalid field number 0"));
    }

    @Test
    void rejectsTruncationAndLengthsBeyondTheInputBeforeAllocating() {
        assertTrue(rejects("0a 05 0102").getMessage().contains("claims 5 bytes but only 2 remain"));
        // a length of 2^63 and more must not wrap to a negative number
        rejects("0a ffffffffffffffff7f");
        rejects("0a ffffffffffffffffff01");
        rejects("0a 80");
        rejects("29 0102");
        rejects("35 01");
        assertTrue(rejects("18 ffffffffffffffffffff01").getMessage().contains("varint"));
        rejects("22 05 12 09 2f");
    }

    @Test
    void rejectsOversizedFieldsAndLists() {
        byte[] sig = new byte[NoiseHandshakePayload.MAX_IDENTITY_SIG_LENGTH + 1];
        byte[] encoded = new NoiseHandshakePayload(null, sig, null).encode();
        NoiseException e = assertThrows(NoiseException.class, () -> NoiseHandshakePayload.decode(encoded));
        assertTrue(e.getMessage().contains("more than the limit of 2048"), e.getMessage());

        List<String> many = new ArrayList<>();
        for (int i = 0; i <= NoiseExtensions.MAX_ENTRIES; i++) {
            many.add("/m/" + i);
        }
        byte[] tooMany = new NoiseHandshakePayload(null, null, NoiseExtensions.ofMuxers(many)).encode();
        e = assertThrows(NoiseException.class, () -> NoiseHandshakePayload.decode(tooMany));
        assertTrue(e.getMessage().contains("more than 64 entries"), e.getMessage());
    }

    @Test
    void rejectsMuxerIdsThatAreNotUtf8() {
        assertTrue(rejects("22 04 12 02 c328").getMessage().contains("not valid UTF-8"));
    }
}
