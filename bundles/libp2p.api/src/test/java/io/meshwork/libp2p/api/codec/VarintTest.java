package io.meshwork.libp2p.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VarintTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({"0, 00", "1, 01", "127, 7f", "128, 8001", "255, ff01", "300, ac02", "16384, 808001",
            "9223372036854775807, ffffffffffffffff7f"})
    void encodesAndDecodesSpecReferenceValues(long value, String hex) {
        assertEquals(hex, HEX.formatHex(Varint.encode(value)));
        assertEquals(hex.length() / 2, Varint.encodedLength(value));
        assertEquals(value, Varint.decode(HEX.parseHex(hex)));
    }

    @Test
    void rejectsNonMinimalEncodingWithOffset() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> Varint.decode(HEX.parseHex("8100")));
        assertTrue(e.getMessage().contains("not minimally encoded at offset 0"), e.getMessage());
        MalformedDataException atOffset = assertThrows(MalformedDataException.class,
                () -> Varint.decode(HEX.parseHex("0102038000"), 3));
        assertTrue(atOffset.getMessage().contains("offset 3"), atOffset.getMessage());
    }

    @Test
    void rejectsTruncatedEncoding() {
        assertThrows(MalformedDataException.class, () -> Varint.decode(HEX.parseHex("80")));
        assertThrows(MalformedDataException.class, () -> Varint.decode(new byte[0]));
        assertThrows(MalformedDataException.class, () -> Varint.decode(HEX.parseHex("ff"), 1));
    }

    @Test
    void rejectsEncodingsLongerThanNineBytes() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> Varint.decode(HEX.parseHex("ffffffffffffffffff01")));
        assertTrue(e.getMessage().contains("longer than 9 bytes"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytesWhenDecodingWholeArray() {
        assertThrows(MalformedDataException.class, () -> Varint.decode(HEX.parseHex("0101")));
    }

    @Test
    void decodesAtOffsetAndReportsLength() {
        Varint.Decoded decoded = Varint.decode(HEX.parseHex("00ac02ff"), 1);
        assertEquals(new Varint.Decoded(300, 2), decoded);
    }

    @Test
    void byteBufferDecodeAdvancesOnSuccessAndRestoresPositionOnFailure() {
        ByteBuffer buffer = ByteBuffer.wrap(HEX.parseHex("ac028100"));
        assertEquals(300, Varint.decode(buffer));
        assertEquals(2, buffer.position());
        assertThrows(MalformedDataException.class, () -> Varint.decode(buffer));
        assertEquals(2, buffer.position());
    }

    @Test
    void refusesToEncodeNegativeValues() {
        assertThrows(IllegalArgumentException.class, () -> Varint.encode(-1));
    }

    @Test
    void roundTripsEveryBitLength() {
        for (int bits = 0; bits < 63; bits++) {
            long value = 1L << bits;
            for (long v : new long[] {value - 1, value, value + 1}) {
                byte[] encoded = Varint.encode(v);
                assertEquals(v, Varint.decode(encoded));
                assertArrayEquals(encoded, Varint.encode(Varint.decode(encoded, 0).value()));
            }
        }
    }
}
