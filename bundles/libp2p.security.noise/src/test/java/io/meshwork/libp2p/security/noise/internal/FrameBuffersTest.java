package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FrameBuffersTest {

    @Test
    void lendsFrameSizedBuffersAndKeepsAtMostItsBoundOfReturnedOnes() {
        FrameBuffers pool = new FrameBuffers(2);
        byte[] a = pool.take();
        byte[] b = pool.take();
        byte[] c = pool.take();
        assertEquals(NoiseFramer.MAX_FRAME_LENGTH, a.length, "big enough for any frame");
        assertNotSame(a, b);
        pool.give(a);
        pool.give(b);
        pool.give(c); // beyond the bound: left to the GC
        assertEquals(2, pool.freeCount());
        assertSame(a, pool.take(), "reused, not allocated");
        pool.give(new byte[16]); // not one of ours
        assertEquals(1, pool.freeCount());
    }
}
