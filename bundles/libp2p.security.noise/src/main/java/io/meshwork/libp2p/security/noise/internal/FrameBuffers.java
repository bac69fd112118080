package io.meshwork.libp2p.security.noise.internal;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Frame-sized receive buffers shared by the connections of one {@link NoiseSecureChannel}: a connection takes one
 * for a large frame only while it assembles or decrypts that frame and gives it back at once, so an idle or
 * lightly used connection holds none (a relay with thousands of connections must not keep two 64 KiB arrays per
 * connection that once carried data). At most {@code max} free buffers are kept; more are left to the GC.
 * Thread-safe.
 */
final class FrameBuffers {

    static final int SIZE = NoiseFramer.MAX_FRAME_LENGTH;

    private final ArrayBlockingQueue<byte[]> free;

    FrameBuffers(int max) {
        this.free = new ArrayBlockingQueue<>(Math.max(1, max));
    }

    byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[SIZE];
    }

    void give(byte[] buffer) {
        if (buffer.length == SIZE) {
            free.offer(buffer);
        }
    }

    int freeCount() {
        return free.size();
    }
}
