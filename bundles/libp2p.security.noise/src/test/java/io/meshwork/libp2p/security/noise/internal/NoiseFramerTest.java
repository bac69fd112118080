package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NoiseFramerTest {

    private static final int MAX = NoiseSession.MAX_PLAINTEXT_LENGTH;

    @Test
    void splitsPlaintextIntoFramesOfAtMost65519BytesAndReassemblesIt() throws NoiseException {
        Random random = new Random(42);
        for (int length : new int[] {0, 1, MAX - 1, MAX, MAX + 1, 3 * MAX + 5}) {
            NoiseSession[] pair = TestPeers.sessionPair(AeadProvider.AUTO);
            byte[] plaintext = AeadTest.bytes(random, length);
            byte[] wire = NoiseFramer.encrypt(pair[0], plaintext, 0, length);
            assertEquals(NoiseFramer.wireLength(length), wire.length);
            assertEquals(NoiseFramer.frameCount(length), pair[0].messagesSent());

            int pos = 0;
            int frames = 0;
            while (pos < wire.length) {
                int body = NoiseFramer.readLength(wire, pos);
                assertTrue(body <= NoiseFramer.MAX_FRAME_LENGTH && body >= NoiseSession.TAG_LENGTH);
                pos += 2 + body;
                frames++;
            }
            assertEquals(pos, wire.length);
            assertEquals(NoiseFramer.frameCount(length), frames);
            assertArrayEquals(plaintext, NoiseFramer.decryptFrames(pair[1], wire, 0, wire.length));
        }
    }

    @Test
    void aFullFrameIs65535BytesOnTheWireBody() throws NoiseException {
        NoiseSession[] pair = TestPeers.sessionPair(AeadProvider.AUTO);
        byte[] wire = NoiseFramer.encrypt(pair[0], new byte[MAX], 0, MAX);
        assertEquals(65535, NoiseFramer.readLength(wire, 0));
        assertEquals(2 + 65535, wire.length);
    }

    @Test
    void rejectsABufferThatEndsInsideAFrame() throws NoiseException {
        NoiseSession[] pair = TestPeers.sessionPair(AeadProvider.AUTO);
        byte[] wire = NoiseFramer.encrypt(pair[0], new byte[100], 0, 100);
        NoiseException e = assertThrows(NoiseException.class,
                () -> NoiseFramer.decryptFrames(pair[1], wire, 0, wire.length - 1));
        assertEquals(NoiseException.Reason.MALFORMED_MESSAGE, e.reason());
        assertTrue(e.getMessage().contains("cut off"), e.getMessage());
    }

    @Test
    void lengthPrefixIsBigEndianAndBounded() {
        byte[] out = new byte[2];
        NoiseFramer.writeLength(0x1234, out, 0);
        assertArrayEquals(new byte[] {0x12, 0x34}, out);
        assertEquals(65535, NoiseFramer.readLength(new byte[] {(byte) 0xff, (byte) 0xff}, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseFramer.writeLength(70000, out, 0));
        assertEquals("Noise frame too large: 70000 > 65535", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NoiseFramer.frame(new byte[65536]));
        assertEquals(65537, NoiseFramer.frame(new byte[65535]).length);
    }

    @Test
    void encryptsPiecesStraightFromTheirBuffersIntoFramesThatDecryptToTheirConcatenation() throws NoiseException {
        Random random = new Random(7);
        for (int round = 0; round < 60; round++) {
            NoiseSession[] pair = TestPeers.sessionPair(round % 2 == 0 ? AeadProvider.JDK : AeadProvider.BOUNCY_CASTLE);
            List<ByteBuffer> pieces = new ArrayList<>();
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            int count = 1 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                int len = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(20);
                    case 1 -> MAX - 12 + random.nextInt(3) - 1;
                    case 2 -> random.nextInt(3 * MAX);
                    default -> 12;
                };
                byte[] data = AeadTest.bytes(random, len + 5);
                all.write(data, 2, len);
                // Heap slices with an array offset, and direct buffers.
                ByteBuffer piece = random.nextBoolean() ? ByteBuffer.wrap(data, 2, len).slice()
                        : ByteBuffer.allocateDirect(len).put(data, 2, len).flip();
                pieces.add(piece);
            }
            int wireLength = NoiseFramer.packedWireLength(pieces);
            byte[] wire = new byte[wireLength + 1];
            assertEquals(wireLength, NoiseFramer.encryptPacked(pair[0], pieces, wire, 1));
            for (ByteBuffer piece : pieces) {
                assertEquals(0, piece.remaining());
            }
            assertArrayEquals(all.toByteArray(), NoiseFramer.decryptFrames(pair[1], wire, 1, wireLength),
                    "round " + round);
            assertEquals(pair[0].messagesSent(), pair[1].messagesReceived());
        }
    }

    @Test
    void aPieceThatFitsAFrameOfItsOwnIsNotSplitAcrossFrames() throws NoiseException {
        NoiseSession[] pair = TestPeers.sessionPair(AeadProvider.AUTO);
        // Two Yamux-like frames after a lone 12-byte control frame: header, payload, header, payload.
        int payload = MAX - 12;
        List<ByteBuffer> pieces = List.of(ByteBuffer.allocate(12), ByteBuffer.allocate(12),
                ByteBuffer.allocate(payload), ByteBuffer.allocate(12), ByteBuffer.allocate(payload));
        byte[] wire = new byte[NoiseFramer.packedWireLength(pieces)];
        assertEquals(wire.length, NoiseFramer.encryptPacked(pair[0], pieces, wire, 0));
        // Frame 1: the control frame and the first header; frame 2: the first payload and the second header;
        // frame 3: the second payload. No payload is split.
        List<Integer> plaintextLengths = new ArrayList<>();
        for (int pos = 0; pos < wire.length; ) {
            int body = NoiseFramer.readLength(wire, pos);
            plaintextLengths.add(body - NoiseSession.TAG_LENGTH);
            pos += 2 + body;
        }
        assertEquals(List.of(24, MAX, payload), plaintextLengths);
        // A piece larger than a frame still fills the current frame first.
        List<ByteBuffer> big = List.of(ByteBuffer.allocate(100), ByteBuffer.allocate(2 * MAX));
        byte[] wire2 = new byte[NoiseFramer.packedWireLength(big)];
        NoiseFramer.encryptPacked(pair[0], big, wire2, 0);
        assertEquals(NoiseFramer.wireLength(100 + 2 * MAX), wire2.length);
    }
}
