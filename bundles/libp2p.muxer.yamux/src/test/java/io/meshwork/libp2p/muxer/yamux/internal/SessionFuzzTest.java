package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random, structured-random and mutated byte streams fed to a server session: it may only end with a protocol
 * error or a peer's GO_AWAY, never throw, never hit an internal error, and its buffered bytes stay within the
 * windows it granted.
 */
class SessionFuzzTest {

    private static final int ITERATIONS = 10_000;
    private static final int MAX_STREAMS = 8;
    private static final YamuxConfig CONFIG = YamuxConfig.builder()
            .maxStreams(MAX_STREAMS)
            .maxUnackedInboundStreams(4)
            .maxWindow(YamuxConfig.SPEC_INITIAL_WINDOW) // no auto-tuning: a tight memory bound
            .maxQueuedWriteBytes(64 * 1024)
            .build();
    /** Every stream's window, plus one partial frame (bounded by the largest window) and its header. */
    private static final long MEMORY_BOUND = (long) (MAX_STREAMS + 1) * CONFIG.maxWindow() + YamuxHeader.SIZE;
    private static final Set<YamuxSessionClosedException.Reason> ACCEPTABLE = EnumSet.of(
            YamuxSessionClosedException.Reason.PROTOCOL_ERROR, YamuxSessionClosedException.Reason.REMOTE_GO_AWAY,
            YamuxSessionClosedException.Reason.KEEPALIVE_TIMEOUT);

    @Test
    void arbitraryInputOnlyEverEndsTheSessionCleanly() {
        Random random = new Random(20240601);
        byte[] valid = validTraffic(new Random(99));
        int protocolErrors = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = switch (i % 3) {
                case 0 -> randomBytes(random);
                case 1 -> structuredRandom(random);
                default -> mutate(valid, random);
            };
            if (runOne(input, random, i)) {
                protocolErrors++;
            }
        }
        assertTrue(protocolErrors > ITERATIONS / 3, "the fuzzer reaches the error paths: " + protocolErrors);
        assertTrue(protocolErrors < ITERATIONS, "and the happy paths");
    }

    @Test
    void validTrafficIsAccepted() {
        assertEquals(false, runOne(validTraffic(new Random(99)), new Random(1), -1));
    }

    /** Returns whether the session ended with an error. */
    private static boolean runOne(byte[] input, Random random, int iteration) {
        VirtualLoop loop = new VirtualLoop();
        CapturingSink sink = new CapturingSink();
        sink.keepHistory = false;
        SessionPair.Endpoint events = new SessionPair.Endpoint();
        YamuxSession server = new YamuxSession(YamuxSession.Role.SERVER, CONFIG, loop, sink,
                stream -> behave(stream, random), events);
        server.start();
        try {
            int offset = 0;
            while (offset < input.length) {
                int n = Math.min(input.length - offset, 1 + random.nextInt(random.nextBoolean() ? 16 : 4096));
                server.onInbound(ByteBuffer.wrap(input, offset, n));
                offset += n;
                sink.take();
                long buffered = server.bufferedBytes();
                if (buffered > MEMORY_BOUND) {
                    fail("iteration " + iteration + ": " + buffered + " bytes buffered > bound " + MEMORY_BOUND);
                }
                if (random.nextInt(50) == 0) {
                    loop.advance(Duration.ofSeconds(random.nextInt(15)));
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("iteration " + iteration + ": onInbound threw", e);
        }
        boolean failed = server.isClosed();
        if (failed) {
            YamuxSessionClosedException reason = events.closed;
            if (reason == null || !ACCEPTABLE.contains(reason.reason())) {
                throw new AssertionError("iteration " + iteration + ": unexpected end " + reason, reason);
            }
        }
        server.close();
        if (events.closedCalls != 1) {
            fail("iteration " + iteration + ": session-closed reported " + events.closedCalls + " times");
        }
        assertEquals(0, server.streamCount());
        return failed;
    }

    /** What the application does with an inbound stream: read, read slowly, answer, reset, or crash. */
    private static void behave(YamuxStream stream, Random random) {
        if (random.nextInt(1000) == 0) { // rare: each one logs a warning with a stack trace
            stream.setListener(data -> {
                throw new IllegalStateException("application bug");
            });
            return;
        }
        switch (random.nextInt(5)) {
            case 0 -> stream.setListener(new Collector(false));
            case 1 -> {
                stream.setListener(new Collector(false));
                stream.pauseReading();
            }
            case 2 -> {
                stream.setListener(new Collector(false));
                stream.write(ByteBuffer.allocate(random.nextInt(100_000)));
            }
            case 3 -> stream.reset(random.nextInt());
            default -> { } // never reads: data stays buffered within the window
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(600)];
        random.nextBytes(b);
        return b;
    }

    /** Frames with version 0 and random fields, so they get past the version check. */
    private static byte[] structuredRandom(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int frames = 1 + random.nextInt(30);
        for (int i = 0; i < frames; i++) {
            int type = random.nextInt(10) == 0 ? random.nextInt(256) : random.nextInt(4);
            int flags = random.nextInt(16);
            int id = random.nextInt(5) == 0 ? random.nextInt() : random.nextInt(24);
            int length = type == YamuxHeader.TYPE_DATA
                    ? (random.nextInt(20) == 0 ? random.nextInt() : random.nextInt(5000))
                    : random.nextInt();
            byte[] header = new byte[YamuxHeader.SIZE];
            YamuxHeader.encode(header, type & 0xFF, flags, id, length);
            out.writeBytes(header);
            if (type == YamuxHeader.TYPE_DATA && length >= 0 && length < 5000) {
                byte[] payload = new byte[random.nextInt(4) == 0 ? random.nextInt(length + 1) : length];
                random.nextBytes(payload);
                out.writeBytes(payload);
            }
        }
        return out.toByteArray();
    }

    /** A plausible client conversation: opens, data, window updates, pings, half closes, resets. */
    private static byte[] validTraffic(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id = 1; id <= 11; id += 2) {
            out.writeBytes(Frames.syn(id).array());
            for (int k = 0; k < 3; k++) {
                byte[] payload = new byte[random.nextInt(3000)];
                random.nextBytes(payload);
                out.writeBytes(Frames.data(k == 0 ? YamuxHeader.FLAG_ACK : 0, id, payload).array());
            }
            out.writeBytes(Frames.frame(YamuxHeader.TYPE_WINDOW_UPDATE, 0, id, 4096).array());
            out.writeBytes(Frames.frame(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN, 0, id).array());
            out.writeBytes(Frames.frame(YamuxHeader.TYPE_WINDOW_UPDATE,
                    id % 3 == 0 ? YamuxHeader.FLAG_RST : YamuxHeader.FLAG_FIN, id, id % 3 == 0 ? 5 : 0).array());
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] b = valid.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(4)) {
                case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 1 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 2 -> {
                    int cut = random.nextInt(b.length);
                    b = java.util.Arrays.copyOf(b, cut);
                    if (b.length == 0) {
                        return b;
                    }
                }
                default -> {
                    int from = random.nextInt(b.length);
                    int len = Math.min(b.length - from, random.nextInt(100));
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    o.write(b, 0, from + len);
                    o.write(b, from, len);
                    o.write(b, from + len, b.length - from - len);
                    b = o.toByteArray();
                }
            }
        }
        return b;
    }
}
