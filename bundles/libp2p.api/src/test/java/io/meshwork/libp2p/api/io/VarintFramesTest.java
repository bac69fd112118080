package io.meshwork.libp2p.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class VarintFramesTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Records what the reader reports; copies messages because their buffers are only valid during the call. */
    private static final class Recording implements VarintFrames.MessageHandler {
        final List<byte[]> messages = new ArrayList<>();
        int ends;
        int closes;
        @Nullable Throwable closeCause;

        @Override
        public void onMessage(ByteBuffer message) {
            byte[] copy = new byte[message.remaining()];
            message.get(copy);
            messages.add(copy);
        }

        @Override
        public void onEnd() {
            ends++;
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            closes++;
            closeCause = cause;
        }
    }

    private static byte[] message(int length, int seed) {
        byte[] message = new byte[length];
        for (int i = 0; i < length; i++) {
            message[i] = (byte) (i * 31 + seed);
        }
        return message;
    }

    private static byte[] concatFrames(List<byte[]> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            ByteBuffer frame = VarintFrames.frame(m);
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        }
        return out.toByteArray();
    }

    private static void assertMessages(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "message count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "message " + i);
        }
    }

    @Test
    void frameWritesMinimalVarintPrefixThenBody() {
        assertEquals("00", HEX.formatHex(VarintFrames.frame(new byte[0]).array()));
        assertEquals("03616263", HEX.formatHex(VarintFrames.frame("abc".getBytes()).array()));
        ByteBuffer big = VarintFrames.frame(new byte[300]);
        assertEquals(302, big.remaining());
        assertEquals((byte) 0xac, big.get(0));
        assertEquals((byte) 0x02, big.get(1));
    }

    @Test
    void frameOfBufferTakesRemainingBytesWithoutMovingPosition() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
        source.position(1);
        ByteBuffer frame = VarintFrames.frame(source);
        assertEquals("03010203", HEX.formatHex(frame.array()));
        assertEquals(1, source.position());
    }

    @Test
    void reassemblesMessagesSplitAtEveryByteBoundary() {
        List<byte[]> messages = List.of(message(0, 1), message(1, 2), message(127, 3), message(128, 4),
                message(300, 5), message(1000, 6));
        byte[] stream = concatFrames(messages);
        for (int split = 0; split <= stream.length; split++) {
            Recording handler = new Recording();
            VarintFrames.Reader reader = new VarintFrames.Reader(1000, handler);
            reader.onData(ByteBuffer.wrap(stream, 0, split));
            reader.onData(ByteBuffer.wrap(stream, split, stream.length - split));
            assertMessages(messages, handler.messages);
            assertFalse(reader.hasPartialMessage());
        }
    }

    @Test
    void reassemblesMessagesDeliveredOneByteAtATime() {
        List<byte[]> messages = List.of(message(5, 1), message(200, 2), message(0, 3), message(9000, 4));
        byte[] stream = concatFrames(messages);
        Recording handler = new Recording();
        VarintFrames.Reader reader = new VarintFrames.Reader(10_000, handler);
        for (byte b : stream) {
            reader.onData(ByteBuffer.wrap(new byte[] {b}));
        }
        assertMessages(messages, handler.messages);
    }

    @Test
    void deliversManyMessagesFromOneChunkInOrder() {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            messages.add(message(i % 7, i));
        }
        Recording handler = new Recording();
        new VarintFrames.Reader(16, handler).onData(ByteBuffer.wrap(concatFrames(messages)));
        assertMessages(messages, handler.messages);
    }

    @Test
    void leavesTheCallersChunkPositionAlone() {
        ByteBuffer chunk = ByteBuffer.wrap(concatFrames(List.of(message(3, 0))));
        new VarintFrames.Reader(16, new Recording()).onData(chunk);
        assertEquals(0, chunk.position());
    }

    @Test
    void acceptsAMessageOfExactlyTheMaximumSize() {
        Recording handler = new Recording();
        new VarintFrames.Reader(300, handler).onData(ByteBuffer.wrap(concatFrames(List.of(message(300, 0)))));
        assertEquals(1, handler.messages.size());
    }

    @Test
    void rejectsADeclaredLengthOverTheMaximumBeforeTheBodyArrives() {
        Recording handler = new Recording();
        VarintFrames.Reader reader = new VarintFrames.Reader(299, handler);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> reader.onData(ByteBuffer.wrap(HEX.parseHex("ac02"))));
        assertTrue(e.getMessage().contains("300") && e.getMessage().contains("299"), e.getMessage());
        assertTrue(handler.messages.isEmpty());
    }

    @Test
    void rejectsAHugeDeclaredLengthFromItsFirstPrefixBytes() {
        VarintFrames.Reader reader = new VarintFrames.Reader(4096, new Recording());
        // 0xff 0xff proves at least 2^14 = 16384 > 4096 before the prefix is complete.
        reader.onData(ByteBuffer.wrap(HEX.parseHex("ff")));
        assertThrows(MalformedDataException.class, () -> reader.onData(ByteBuffer.wrap(HEX.parseHex("ff"))));
    }

    @Test
    void rejectsAnOverlongPrefixEvenWithTheLargestLimit() {
        VarintFrames.Reader reader = new VarintFrames.Reader(Integer.MAX_VALUE, new Recording());
        assertThrows(MalformedDataException.class,
                () -> reader.onData(ByteBuffer.wrap(HEX.parseHex("ffffffffffffffffffff01"))));
    }

    @Test
    void rejectsANonMinimalLengthPrefix() {
        VarintFrames.Reader reader = new VarintFrames.Reader(1024, new Recording());
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> reader.onData(ByteBuffer.wrap(HEX.parseHex("810061"))));
        assertTrue(e.getMessage().contains("minimal"), e.getMessage());
    }

    @Test
    void reportsTheFramingFailureToTheHandlerWhenTheDuplexCloses() {
        Recording handler = new Recording();
        VarintFrames.Reader reader = new VarintFrames.Reader(10, handler);
        MalformedDataException failure = assertThrows(MalformedDataException.class,
                () -> reader.onData(ByteBuffer.wrap(HEX.parseHex("0b"))));
        IOException reset = new StreamResetException("reset after protocol violation", 0);
        reader.onClose(reset);
        assertSame(failure, handler.closeCause);
        assertSame(reset, failure.getSuppressed()[0]);
        reader.onClose(null);
        assertEquals(1, handler.closes);
        assertThrows(MalformedDataException.class, () -> reader.onData(ByteBuffer.wrap(new byte[] {0})));
    }

    @Test
    void aStreamEndingInsideABodyIsReportedAsMalformedToOnClose() {
        Recording handler = new Recording();
        VarintFrames.Reader reader = new VarintFrames.Reader(10, handler);
        reader.onData(ByteBuffer.wrap(HEX.parseHex("0101" + "05aa")));
        assertTrue(reader.hasPartialMessage());
        reader.onEnd();
        assertEquals(0, handler.ends);
        MalformedDataException cause = assertInstanceOf(MalformedDataException.class, handler.closeCause);
        assertTrue(cause.getMessage().contains("1 of 5"), cause.getMessage());
        reader.onClose(null);
        assertEquals(1, handler.closes);
        assertEquals(1, handler.messages.size());
    }

    @Test
    void aStreamEndingInsideALengthPrefixIsReportedAsMalformedToOnClose() {
        Recording handler = new Recording();
        VarintFrames.Reader reader = new VarintFrames.Reader(1000, handler);
        reader.onData(ByteBuffer.wrap(HEX.parseHex("ac")));
        reader.onEnd();
        assertInstanceOf(MalformedDataException.class, handler.closeCause);
        assertEquals(0, handler.ends);
    }

    @Test
    void aStreamEndingAtAMessageBoundaryIsACleanEnd() {
        Recording handler = new Recording();
        VarintFrames.Reader reader = new VarintFrames.Reader(10, handler);
        reader.onData(ByteBuffer.wrap(HEX.parseHex("0161")));
        reader.onEnd();
        reader.onClose(null);
        assertEquals(1, handler.ends);
        assertEquals(1, handler.closes);
        assertNull(handler.closeCause);
    }

    @Test
    void aHandlerExceptionPropagatesOutOfOnData() {
        VarintFrames.Reader reader = new VarintFrames.Reader(10, message -> {
            throw new IllegalStateException("handler rejected the message");
        });
        assertThrows(IllegalStateException.class, () -> reader.onData(ByteBuffer.wrap(HEX.parseHex("0161"))));
    }

    @Test
    void rejectsANegativeLimit() {
        assertThrows(IllegalArgumentException.class, () -> new VarintFrames.Reader(-1, new Recording()));
    }

    @Test
    void randomChunkingOfRandomMessagesRoundTrips() {
        Random random = new Random(20260101L);
        for (int round = 0; round < 300; round++) {
            List<byte[]> messages = new ArrayList<>();
            int count = 1 + random.nextInt(20);
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[random.nextInt(random.nextBoolean() ? 10 : 3000)];
                random.nextBytes(m);
                messages.add(m);
            }
            byte[] stream = concatFrames(messages);
            Recording handler = new Recording();
            VarintFrames.Reader reader = new VarintFrames.Reader(3000, handler);
            int offset = 0;
            while (offset < stream.length) {
                int length = Math.min(stream.length - offset, 1 + random.nextInt(400));
                reader.onData(ByteBuffer.wrap(stream, offset, length));
                offset += length;
            }
            reader.onEnd();
            assertMessages(messages, handler.messages);
            assertEquals(1, handler.ends);
        }
    }

    @Test
    void randomGarbageOnlyEverFailsWithMalformedData() {
        Random random = new Random(7);
        for (int round = 0; round < 5000; round++) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            VarintFrames.Reader reader = new VarintFrames.Reader(random.nextInt(64), new Recording());
            try {
                reader.onData(ByteBuffer.wrap(garbage));
                reader.onEnd();
            } catch (MalformedDataException expected) {
                // the only failure bad framing may produce
            }
        }
    }
}
