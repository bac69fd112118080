package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YamuxFrameCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Hand-computed: version, type, flags (u16), stream id (u32), length (u32), all big-endian. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DATA SYN stream 1 length 5,             0, 1,  1,          5,          000000010000000100000005",
        "WINDOW_UPDATE ACK stream 2 delta 256K,  1, 2,  2,          262144,     000100020000000200040000",
        "WINDOW_UPDATE FIN stream 3,             1, 4,  3,          0,          000100040000000300000000",
        "WINDOW_UPDATE RST stream 4 code,        1, 8,  4,          -559038737, 0001000800000004deadbeef",
        "PING SYN opaque,                        2, 1,  0,          16909060,   000200010000000001020304",
        "PING ACK opaque,                        2, 2,  0,          16909060,   000200020000000001020304",
        "GO_AWAY normal,                         3, 0,  0,          0,          000300000000000000000000",
        "GO_AWAY protocol error,                 3, 0,  0,          1,          000300000000000000000001",
        "GO_AWAY internal error,                 3, 0,  0,          2,          000300000000000000000002",
        "DATA all flags max stream id,           0, 15, -1,         0,          0000000fffffffff00000000",
        "DATA stream 2^31 length 2^31,           0, 0,  -2147483648, -2147483648, 000000008000000080000000",
    })
    void encodesAndDecodesHandComputedVectors(String name, int type, int flags, int streamId, int length,
            String hex) throws YamuxProtocolException {
        YamuxHeader header = new YamuxHeader(type, flags, streamId, length);
        assertEquals(hex, HEX.formatHex(header.encode()), name);
        assertEquals(header, YamuxHeader.decode(ByteBuffer.wrap(HEX.parseHex(hex))), name);
    }

    @Test
    void unsignedAccessorsDoNotGoNegative() {
        YamuxHeader header = new YamuxHeader(YamuxHeader.TYPE_DATA, 0, -1, -1);
        assertEquals(0xFFFF_FFFFL, header.streamIdUnsigned());
        assertEquals(0xFFFF_FFFFL, header.lengthUnsigned());
        assertEquals("DATA[- stream=4294967295 length=4294967295]", header.toString());
    }

    @Test
    void rejectsNonZeroVersion() {
        YamuxProtocolException e = assertThrows(YamuxProtocolException.class,
                () -> YamuxHeader.decode(ByteBuffer.wrap(HEX.parseHex("010000010000000100000005"))));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void rejectsUnknownType() {
        YamuxProtocolException e = assertThrows(YamuxProtocolException.class,
                () -> YamuxHeader.decode(ByteBuffer.wrap(HEX.parseHex("000400000000000000000000"))));
        assertTrue(e.getMessage().contains("type 4"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Decoder

    /** Records frames; optionally skips DATA payloads of a given stream. */
    private static final class Recorder implements YamuxFrameDecoder.Handler {
        final List<String> frames = new ArrayList<>();
        int skipStream = -1;

        @Override
        public boolean onDataHeader(YamuxHeader header) {
            return header.streamId() != skipStream;
        }

        @Override
        public void onFrame(YamuxHeader header, @Nullable ByteBuffer payload) {
            String body = "";
            if (payload != null) {
                byte[] b = new byte[payload.remaining()];
                payload.get(b);
                body = " " + HEX.formatHex(b);
            }
            frames.add(header + body);
        }
    }

    private static byte[] sampleStream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new YamuxHeader(1, YamuxHeader.FLAG_SYN, 1, 0).encode());
        for (int i = 0; i < 40; i++) {
            int length = random.nextInt(3) == 0 ? 0 : random.nextInt(3000);
            out.writeBytes(new YamuxHeader(0, 0, 1 + 2 * (i % 3), length).encode());
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            out.writeBytes(payload);
            out.writeBytes(new YamuxHeader(2, YamuxHeader.FLAG_SYN, 0, i).encode());
        }
        out.writeBytes(new YamuxHeader(3, 0, 0, 0).encode());
        return out.toByteArray();
    }

    private static List<String> decodeInChunks(byte[] bytes, Random chunking, int maxChunk, int skipStream)
            throws YamuxProtocolException {
        Recorder recorder = new Recorder();
        recorder.skipStream = skipStream;
        YamuxFrameDecoder decoder = new YamuxFrameDecoder(1 << 20);
        int offset = 0;
        while (offset < bytes.length) {
            int n = Math.min(bytes.length - offset, 1 + chunking.nextInt(maxChunk));
            ByteBuffer chunk = ByteBuffer.wrap(bytes, offset, n);
            decoder.decode(chunk, recorder);
            assertFalse(chunk.hasRemaining(), "decoder consumes whole chunks");
            offset += n;
        }
        assertEquals(0, decoder.bufferedBytes(), "nothing left over after whole frames");
        return recorder.frames;
    }

    @Test
    void byteAtATimeAndRandomChunkingYieldTheSameFramesAsOneChunk() throws YamuxProtocolException {
        byte[] bytes = sampleStream(new Random(1));
        List<String> whole = decodeInChunks(bytes, new Random(2), Integer.MAX_VALUE - 1, -1);
        assertEquals(1 + 40 * 2 + 1, whole.size());
        assertEquals(whole, decodeInChunks(bytes, new Random(3), 1, -1), "byte at a time");
        for (int seed = 0; seed < 20; seed++) {
            assertEquals(whole, decodeInChunks(bytes, new Random(seed), 1 + seed * 97, -1), "seed " + seed);
        }
    }

    @Test
    void skippedPayloadsAreConsumedWithoutBeingDelivered() throws YamuxProtocolException {
        byte[] bytes = sampleStream(new Random(1));
        List<String> frames = decodeInChunks(bytes, new Random(4), 500, 3);
        assertTrue(frames.stream().noneMatch(f -> f.startsWith("DATA[- stream=3 ")), frames.toString());
        assertTrue(frames.stream().anyMatch(f -> f.startsWith("DATA[- stream=5 ")), frames.toString());
        assertEquals("GO_AWAY[- stream=0 length=0]", frames.get(frames.size() - 1));
    }

    @Test
    void oversizedDataFrameIsRejectedBeforeItsPayloadArrives() {
        YamuxFrameDecoder decoder = new YamuxFrameDecoder(1000);
        Recorder recorder = new Recorder();
        ByteBuffer header = ByteBuffer.wrap(new YamuxHeader(0, 0, 1, 0x7FFF_FFFF).encode());
        YamuxProtocolException e = assertThrows(YamuxProtocolException.class, () -> decoder.decode(header, recorder));
        assertTrue(e.getMessage().contains("2147483647 bytes"), e.getMessage());
        assertEquals(0, decoder.bufferedBytes());
        assertTrue(decoder.isClosed());
        assertTrue(recorder.frames.isEmpty());
    }

    @Test
    void aDataFrameOfExactlyTheMaximumIsAccepted() throws YamuxProtocolException {
        YamuxFrameDecoder decoder = new YamuxFrameDecoder(1000);
        Recorder recorder = new Recorder();
        ByteBuffer frame = ByteBuffer.allocate(12 + 1000).put(new YamuxHeader(0, 0, 1, 1000).encode()).rewind();
        decoder.decode(frame, recorder);
        assertEquals(1, recorder.frames.size());
    }

    @Test
    void badVersionInTheMiddleOfAStreamStopsTheDecoder() {
        YamuxFrameDecoder decoder = new YamuxFrameDecoder(1000);
        Recorder recorder = new Recorder();
        byte[] good = new YamuxHeader(2, YamuxHeader.FLAG_SYN, 0, 9).encode();
        byte[] bad = HEX.parseHex("050200010000000000000009");
        ByteBuffer both = ByteBuffer.allocate(24).put(good).put(bad).flip();
        assertThrows(YamuxProtocolException.class, () -> decoder.decode(both, recorder));
        assertEquals(List.of("PING[SYN stream=0 length=9]"), recorder.frames);
        assertFalse(both.hasRemaining());
    }

    @Test
    void closedDecoderDiscardsInput() throws YamuxProtocolException {
        YamuxFrameDecoder decoder = new YamuxFrameDecoder(1000);
        Recorder recorder = new Recorder();
        decoder.close();
        ByteBuffer input = ByteBuffer.wrap(new YamuxHeader(2, 1, 0, 9).encode());
        decoder.decode(input, recorder);
        assertTrue(recorder.frames.isEmpty());
        assertFalse(input.hasRemaining());
    }

    @Test
    void payloadSplitAcrossChunksIsAssembledWithinItsCheckedLength() throws YamuxProtocolException {
        YamuxFrameDecoder decoder = new YamuxFrameDecoder(1000);
        Recorder recorder = new Recorder();
        byte[] frame = ByteBuffer.allocate(12 + 10).put(new YamuxHeader(0, 0, 1, 10).encode())
                .put(HEX.parseHex("00112233445566778899")).array();
        decoder.decode(ByteBuffer.wrap(frame, 0, 15), recorder);
        assertEquals(3, decoder.bufferedBytes());
        decoder.decode(ByteBuffer.wrap(frame, 15, 7), recorder);
        assertArrayEquals(new String[] {"DATA[- stream=1 length=10] 00112233445566778899"},
                recorder.frames.toArray(new String[0]));
    }
}
