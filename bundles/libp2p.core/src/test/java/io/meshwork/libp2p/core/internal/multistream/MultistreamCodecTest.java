package io.meshwork.libp2p.core.internal.multistream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultistreamCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    /** {@code len "text\n"} as written in libp2p-wire.md §4.1, e.g. {@code msg("13", "/multistream/1.0.0")}. */
    static String msg(String lengthHex, String text) {
        return lengthHex + HEX.formatHex((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void encodesTheMessagesOfTheReferenceTrace() {
        assertEquals(msg("13", "/multistream/1.0.0"), HEX.formatHex(bytes(MultistreamCodec.encode(
                MultistreamCodec.PROTOCOL_ID))));
        assertEquals(msg("07", "/noise"), HEX.formatHex(bytes(MultistreamCodec.encode("/noise"))));
        assertEquals(msg("03", "na"), HEX.formatHex(bytes(MultistreamCodec.encode(MultistreamCodec.NA))));
        assertEquals(msg("0d", "/yamux/1.0.0"), HEX.formatHex(bytes(MultistreamCodec.encode("/yamux/1.0.0"))));
        assertEquals(msg("0f", "/ipfs/id/1.0.0"), HEX.formatHex(bytes(MultistreamCodec.encode("/ipfs/id/1.0.0"))));
        assertEquals(msg("11", "/ipfs/ping/1.0.0"),
                HEX.formatHex(bytes(MultistreamCodec.encode("/ipfs/ping/1.0.0"))));
        assertEquals("036c730a", HEX.formatHex(bytes(MultistreamCodec.encode(MultistreamCodec.LS))));
    }

    @Test
    void encodesSeveralMessagesBackToBack() {
        assertEquals(msg("13", "/multistream/1.0.0") + msg("07", "/noise"),
                HEX.formatHex(bytes(MultistreamCodec.encode(MultistreamCodec.PROTOCOL_ID, "/noise"))));
    }

    @Test
    void usesATwoByteLengthPrefixForLongMessages() throws MultistreamException {
        String text = "/" + "x".repeat(1022);
        byte[] encoded = bytes(MultistreamCodec.encode(text));
        assertEquals("8008", HEX.formatHex(encoded, 0, 2)); // 1024 = 0x400
        assertEquals(1026, encoded.length);
        assertEquals(text, new MultistreamCodec.Decoder().next(ByteBuffer.wrap(encoded)));
    }

    @Test
    void decoderReassemblesMessagesSplitAtEveryByteBoundary() throws MultistreamException {
        byte[] stream = HEX.parseHex(msg("13", "/multistream/1.0.0") + msg("07", "/noise") + msg("03", "na"));
        for (int split = 0; split <= stream.length; split++) {
            MultistreamCodec.Decoder decoder = new MultistreamCodec.Decoder();
            List<String> messages = new ArrayList<>();
            for (ByteBuffer chunk : List.of(ByteBuffer.wrap(stream, 0, split),
                    ByteBuffer.wrap(stream, split, stream.length - split))) {
                String message;
                while ((message = decoder.next(chunk)) != null) {
                    messages.add(message);
                }
            }
            assertEquals(List.of(MultistreamCodec.PROTOCOL_ID, "/noise", "na"), messages, "split at " + split);
            assertFalse(decoder.hasPartial());
        }
    }

    @Test
    void decoderConsumesExactlyOneMessageAndLeavesTheRest() throws MultistreamException {
        ByteBuffer in = ByteBuffer.wrap(HEX.parseHex(msg("07", "/noise") + "cafe"));
        assertEquals("/noise", new MultistreamCodec.Decoder().next(in));
        assertArrayEquals(HEX.parseHex("cafe"), bytes(in));
    }

    @Test
    void decoderKeepsAPartialMessageAndReportsIt() throws MultistreamException {
        MultistreamCodec.Decoder decoder = new MultistreamCodec.Decoder();
        assertNull(decoder.next(ByteBuffer.wrap(HEX.parseHex("072f6e6f"))));
        assertTrue(decoder.hasPartial());
        assertEquals("3 of 7 bytes: \"/no\"", decoder.describePartial());
    }

    @Test
    void rejectsAMessageLongerThan1024Bytes() {
        // 1025 = 0x401 -> 81 08
        MultistreamException e = assertThrows(MultistreamException.class,
                () -> new MultistreamCodec.Decoder().next(ByteBuffer.wrap(HEX.parseHex("8108"))));
        assertTrue(e.getMessage().contains("1025") && e.getMessage().contains("1024"), e.getMessage());
    }

    @Test
    void rejectsALengthPrefixThatCannotFitBeforeItEnds() {
        assertThrows(MultistreamException.class,
                () -> new MultistreamCodec.Decoder().next(ByteBuffer.wrap(HEX.parseHex("ffff"))));
    }

    @Test
    void rejectsANonMinimalLengthPrefix() {
        MultistreamException e = assertThrows(MultistreamException.class,
                () -> new MultistreamCodec.Decoder().next(ByteBuffer.wrap(HEX.parseHex("83000a0a0a"))));
        assertTrue(e.getMessage().contains("minimal"), e.getMessage());
    }

    @Test
    void rejectsAMessageWithoutTrailingNewline() {
        MultistreamException e = assertThrows(MultistreamException.class,
                () -> new MultistreamCodec.Decoder().next(ByteBuffer.wrap(HEX.parseHex("036e6178"))));
        assertEquals("message does not end with a newline: \"nax\"", e.getMessage());
    }

    @Test
    void rejectsAnEmptyMessage() {
        assertThrows(MultistreamException.class,
                () -> new MultistreamCodec.Decoder().next(ByteBuffer.wrap(HEX.parseHex("00"))));
    }

    @Test
    void rejectsInvalidUtf8AndQuotesTheBytes() {
        MultistreamException e = assertThrows(MultistreamException.class,
                () -> new MultistreamCodec.Decoder().next(ByteBuffer.wrap(HEX.parseHex("04c328ff0a"))));
        assertEquals("message is not valid UTF-8: \"\\xc3(\\xff\\n\"", e.getMessage());
    }

    @Test
    void acceptsUtf8ProtocolIds() throws MultistreamException {
        String id = "/caf\u00e9/\u20ac/1.0.0";
        assertEquals(id, new MultistreamCodec.Decoder().next(MultistreamCodec.encode(id)));
    }

    @Test
    void refusesToEncodeIdsThatCannotBeSent() {
        for (String bad : new String[] {"", "na", "ls", "/a\n/b", "/" + "x".repeat(1023), "/\ud800"}) {
            assertThrows(IllegalArgumentException.class, () -> MultistreamCodec.checkProtocolId(bad), bad);
        }
        MultistreamCodec.checkProtocolId("/" + "x".repeat(1022));
    }

    @Test
    void quoteEscapesAndShortens() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\x00\\x7f\"", MultistreamException.quote("a\"b\\c\n\r\t\u0000\u007f"));
        String quoted = MultistreamException.quote("y".repeat(100));
        assertEquals("\"" + "y".repeat(64) + "\"... (100 bytes)", quoted);
    }
}
