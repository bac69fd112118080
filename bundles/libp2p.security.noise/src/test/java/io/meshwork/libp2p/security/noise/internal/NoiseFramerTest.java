package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
