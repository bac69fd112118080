package io.meshwork.libp2p.perf.internal;

import java.nio.ByteBuffer;

/** Constants and small helpers of {@code /perf/1.0.0} shared by the server and the client. */
final class PerfProtocol {

    /** The protocol id. */
    static final String ID = "/perf/1.0.0";

    /** The request header: the number of bytes the client wants back, a big-endian unsigned 64-bit integer. */
    static final int HEADER_BYTES = 8;

    static final int DEFAULT_WRITE_SIZE = 64 * 1024;
    static final int DEFAULT_MAX_OUTSTANDING_WRITES = 8;
    static final int MIN_WRITE_SIZE = 1024;
    static final int MAX_WRITE_SIZE = 512 * 1024;
    /**
     * Bytes a sender keeps in flight at most. A muxer may queue what exceeds the peer's window only up to a limit
     * (Yamux by default: 1 MiB per stream) and fails writes beyond it, so outstanding writes are capped to fit,
     * with room for the request header.
     */
    static final int MAX_IN_FLIGHT_BYTES = 1024 * 1024 - 1024;

    private PerfProtocol() {
    }

    /**
     * A read-only, zero-filled buffer of {@code size} bytes. Safe to share between concurrent writes and streams:
     * each write gets its own {@link ByteBuffer#duplicate() duplicate} (own position and limit) and nobody can
     * change the content.
     */
    static ByteBuffer payload(int size) {
        return ByteBuffer.allocate(size).asReadOnlyBuffer();
    }

    /** The 8-byte header for a request of {@code downloadBytes} (an unsigned 64-bit value). */
    static ByteBuffer header(long downloadBytes) {
        return ByteBuffer.allocate(HEADER_BYTES).putLong(downloadBytes).flip();
    }

    /** The number of outstanding writes to use: {@code configured}, capped to fit {@link #MAX_IN_FLIGHT_BYTES}. */
    static int outstandingWrites(int writeSize, int configured) {
        return clamp(configured, 1, Math.max(1, MAX_IN_FLIGHT_BYTES / writeSize));
    }

    /** The write size to use: {@code configured} clamped to {@link #MIN_WRITE_SIZE}..{@link #MAX_WRITE_SIZE}. */
    static int writeSize(int configured) {
        return clamp(configured, MIN_WRITE_SIZE, MAX_WRITE_SIZE);
    }

    /** {@code value} clamped to [{@code min}, {@code max}]. */
    static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
