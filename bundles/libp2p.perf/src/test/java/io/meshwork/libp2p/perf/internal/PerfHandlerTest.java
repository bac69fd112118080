package io.meshwork.libp2p.perf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.core.internal.host.BenchAccess;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server logic against an in-memory stream. */
class PerfHandlerTest {

    private static final int WRITE = 64 * 1024;
    private static final int OUTSTANDING = 8;

    private final PerfHandler handler = new PerfHandler(1L << 30, 4, WRITE, OUTSTANDING);

    private static byte[] header(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private FakeStream serve() {
        FakeStream s = new FakeStream();
        handler.serve(s, "test client");
        s.runTasks();
        return s;
    }

    private static void assertSentAndHalfClosed(FakeStream s, long bytes) {
        assertFalse(s.reset, "reset");
        assertEquals(bytes, s.written);
        assertTrue(s.writeClosed, "half-closed");
        assertEquals(bytes, s.writtenAtCloseWrite, "half-closed after all data");
        assertEquals(0, s.outstandingAtCloseWrite, "half-closed after all writes completed");
        assertFalse(s.isOpen(), "finished");
    }

    @Test
    void headerSplitAcrossChunks() {
        FakeStream s = serve();
        long requested = 3 * WRITE + 1234;
        byte[] h = header(requested);
        s.deliver(Arrays.copyOfRange(h, 0, 1));
        s.deliver(Arrays.copyOfRange(h, 1, 6));
        // the last header bytes and the first upload bytes in one chunk
        s.deliver(concat(Arrays.copyOfRange(h, 6, 8), new byte[1000]));
        s.deliver(new byte[70_000]);
        assertEquals(0, s.written, "nothing sent before the client's half-close");
        assertFalse(s.writeClosed);
        s.end();
        assertSentAndHalfClosed(s, requested);
        assertEquals(4, s.writes);
        assertEquals(0, handler.active());
    }

    @Test
    void headerOneByteAtATime() {
        FakeStream s = serve();
        for (byte b : header(100)) {
            s.deliver(new byte[] {b});
        }
        s.end();
        assertSentAndHalfClosed(s, 100);
    }

    @Test
    void headerAndUploadInOneChunk() {
        FakeStream s = serve();
        s.deliver(concat(header(WRITE), new byte[5000]));
        s.end();
        assertSentAndHalfClosed(s, WRITE);
        assertEquals(1, s.writes);
    }

    @Test
    void zeroUpload() {
        FakeStream s = serve();
        s.deliver(header(10 * WRITE));
        s.end();
        assertSentAndHalfClosed(s, 10 * WRITE);
    }

    @Test
    void zeroDownload() {
        FakeStream s = serve();
        s.deliver(concat(header(0), new byte[100_000]));
        s.end();
        assertSentAndHalfClosed(s, 0);
        assertEquals(0, s.writes);
    }

    @Test
    void zeroUploadAndZeroDownload() {
        FakeStream s = serve();
        s.deliver(header(0));
        s.end();
        assertSentAndHalfClosed(s, 0);
    }

    @Test
    void oversizedRequestResets() {
        FakeStream s = serve();
        s.deliver(header((1L << 30) + 1));
        assertTrue(s.reset);
        assertEquals(0, s.written);
        assertFalse(s.isOpen());
        assertEquals(0, handler.active());
    }

    @Test
    void maxUint64IsOversized() {
        FakeStream s = serve();
        s.deliver(header(-1L)); // 2^64-1 as unsigned
        assertTrue(s.reset);
        assertEquals(0, s.written);
    }

    @Test
    void limitItselfIsAllowed() {
        PerfHandler small = new PerfHandler(2 * WRITE, 4, WRITE, OUTSTANDING);
        FakeStream s = new FakeStream();
        small.serve(s, "test client");
        s.deliver(header(2 * WRITE));
        s.end();
        assertSentAndHalfClosed(s, 2 * WRITE);
    }

    @Test
    void endInsideHeaderResets() {
        FakeStream s = serve();
        s.deliver(new byte[] {0, 0, 0});
        s.end();
        assertTrue(s.reset);
        assertFalse(s.writeClosed);
        assertEquals(0, s.written);
    }

    @Test
    void keepsAtMostTheConfiguredWritesOutstanding() {
        FakeStream s = serve();
        s.autoComplete = false;
        long requested = 20L * WRITE + 7;
        s.deliver(header(requested));
        s.end();
        assertEquals(OUTSTANDING, s.outstanding);
        assertEquals(OUTSTANDING * (long) WRITE, s.written);
        s.completeWrites(3);
        assertEquals(OUTSTANDING, s.outstanding, "refilled to the limit");
        assertEquals((OUTSTANDING + 3) * (long) WRITE, s.written);
        while (!s.pendingWrites.isEmpty()) {
            assertFalse(s.writeClosed, "not half-closed while writes are outstanding");
            s.completeWrites(2);
        }
        assertEquals(OUTSTANDING, s.maxOutstandingSeen);
        assertSentAndHalfClosed(s, requested);
        assertEquals(21, s.writes);
    }

    @Test
    void outstandingWritesAreCappedToFitTheMuxerQueue() {
        PerfHandler greedy = new PerfHandler(1L << 30, 4, WRITE, 64);
        FakeStream s = new FakeStream();
        greedy.serve(s, "test client");
        s.autoComplete = false;
        s.deliver(header(100L * WRITE));
        s.end();
        assertEquals(15, s.outstanding, "15 x 64 KiB fit below 1 MiB");
        while (!s.pendingWrites.isEmpty()) {
            s.completeWrites(4);
        }
        assertEquals(15, s.maxOutstandingSeen);
        assertSentAndHalfClosed(s, 100L * WRITE);
    }

    @Test
    void writeFailureResets() {
        FakeStream s = serve();
        s.deliver(header(4 * WRITE));
        s.writeFailure = new IllegalStateException("boom");
        s.end();
        assertTrue(s.reset);
        assertFalse(s.writeClosed);
        assertEquals(0, handler.active());
    }

    @Test
    void remoteResetDuringDownloadStopsSending() {
        FakeStream s = serve();
        s.autoComplete = false;
        s.deliver(header(100L * WRITE));
        s.end();
        s.remoteReset();
        int writes = s.writes;
        s.runTasks();
        assertEquals(writes, s.writes, "no writes after the reset");
        assertEquals(0, handler.active());
    }

    @Test
    void concurrentStreamsAreBounded() {
        PerfHandler one = new PerfHandler(1L << 30, 1, WRITE, OUTSTANDING);
        FakeStream first = new FakeStream();
        one.serve(first, "first");
        FakeStream second = new FakeStream();
        one.serve(second, "second");
        assertTrue(second.reset, "over the limit");
        assertFalse(first.reset);
        first.deliver(header(10));
        first.end();
        assertSentAndHalfClosed(first, 10);
        FakeStream third = new FakeStream();
        one.serve(third, "third");
        assertFalse(third.reset, "a slot is free again");
    }

    @Test
    void deactivateResetsLiveStreams() {
        FakeStream s = serve();
        s.deliver(header(10));
        handler.deactivate();
        s.runTasks();
        assertTrue(s.reset);
        assertEquals(0, handler.active());
    }

    @Test
    void configDefaults() {
        PerfHandler fromConfig = new PerfHandler(BenchAccess.config(PerfHandlerConfig.class, Map.of()));
        FakeStream s = new FakeStream();
        fromConfig.serve(s, "test client");
        s.deliver(header(16L * 1024 * 1024 * 1024 + 1));
        assertTrue(s.reset, "16 GiB is the default limit");
    }
}
