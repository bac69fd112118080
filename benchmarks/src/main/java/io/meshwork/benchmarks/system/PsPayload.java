package io.meshwork.benchmarks.system;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The payload of the pubsub benchmark messages, identical to {@code node-peer.mjs}'s (see interop-js/README.md):
 * bytes 0–7 the publisher's {@link #epochMicros()} at publication, big-endian unsigned; bytes 8–11 the sequence
 * number (0, 1, ...), big-endian; then zero padding up to the payload size (at least 12 bytes).
 *
 * <p>The clock is comparable across processes on one machine: the wall clock read once (at class initialisation)
 * plus {@link System#nanoTime()} since, as node's {@code performance.timeOrigin + performance.now()}. Two processes'
 * clocks differ by the error of their two start-time wall-clock reads (microseconds; {@link Instant#now()} has
 * microsecond resolution on Linux) plus NTP slew since (negligible over a run).
 */
public final class PsPayload {

    public static final int HEADER = 12;
    private static final long BASE_NANOS = System.nanoTime();
    private static final double BASE_MICROS;

    static {
        Instant now = Instant.now();
        BASE_MICROS = now.getEpochSecond() * 1e6 + now.getNano() / 1e3;
    }

    private PsPayload() {
    }

    /** Epoch microseconds, with sub-microsecond fraction, on the clock described above. */
    public static double epochMicros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1e3;
    }

    /** A payload of {@code size} bytes (at least {@value #HEADER}) stamped now with sequence number {@code seq}. */
    public static byte[] make(int seq, int size) {
        byte[] p = new byte[Math.max(HEADER, size)];
        ByteBuffer.wrap(p).putLong(Math.round(epochMicros())).putInt(seq);
        return p;
    }

    /** The stamp (epoch µs) of a payload. */
    public static long stampMicros(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong(0);
    }

    /** The sequence number of a payload. */
    public static int sequence(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt(8);
    }
}
