package io.meshwork.libp2p.perf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The client logic against an in-memory stream; the test plays the server. */
class PerfClientTest {

    private static final int WRITE = 16 * 1024;
    private final PerfClient client = new PerfClient(WRITE, 4);

    private static PerfException failure(CompletableFuture<PerfResult> run) {
        assertTrue(run.isCompletedExceptionally(), "failed");
        ExecutionException e = assertThrows(ExecutionException.class, run::get);
        return assertInstanceOf(PerfException.class, e.getCause());
    }

    @Test
    void uploadsThenCountsTheDownload() throws Exception {
        FakeStream s = new FakeStream();
        CompletableFuture<PerfResult> run = client.run(s, 100_000, 50_000).toCompletableFuture();
        s.runTasks();
        assertEquals(8 + 100_000, s.written, "header and upload");
        assertTrue(s.writeClosed);
        assertEquals(8 + 100_000, s.writtenAtCloseWrite);
        s.deliver(new byte[20_000]);
        s.deliver(new byte[30_000]);
        assertFalse(run.isDone());
        s.end();
        PerfResult r = run.get();
        assertEquals(100_000, r.uploadBytes());
        assertEquals(50_000, r.downloadBytes());
        assertFalse(s.reset);
        assertFalse(s.isOpen());
    }

    @Test
    void keepsAtMostTheConfiguredWritesOutstanding() {
        FakeStream s = new FakeStream();
        s.autoComplete = false;
        client.run(s, 40L * WRITE, 0);
        s.runTasks();
        assertEquals(5, s.outstanding, "the header and 4 upload writes");
        while (!s.pendingWrites.isEmpty()) {
            assertFalse(s.writeClosed);
            s.completeWrites(1);
        }
        assertTrue(s.writeClosed);
        assertEquals(5, s.maxOutstandingSeen);
        assertEquals(8 + 40L * WRITE, s.written);
    }

    @Test
    void zeroSizes() throws Exception {
        FakeStream s = new FakeStream();
        CompletableFuture<PerfResult> run = client.run(s, 0, 0).toCompletableFuture();
        s.runTasks();
        assertEquals(8, s.written);
        assertTrue(s.writeClosed);
        s.end();
        PerfResult r = run.get();
        assertEquals(0, r.uploadMBps());
        assertEquals(0, r.downloadMBps());
    }

    @Test
    void tooMuchDownloadFails() {
        FakeStream s = new FakeStream();
        CompletableFuture<PerfResult> run = client.run(s, 0, 10).toCompletableFuture();
        s.runTasks();
        s.deliver(new byte[11]);
        PerfException e = failure(run);
        assertEquals(PerfException.Step.DOWNLOAD, e.step());
        assertTrue(s.reset);
    }

    @Test
    void shortDownloadFails() {
        FakeStream s = new FakeStream();
        CompletableFuture<PerfResult> run = client.run(s, 0, 10).toCompletableFuture();
        s.runTasks();
        s.deliver(new byte[9]);
        s.end();
        PerfException e = failure(run);
        assertEquals(PerfException.Step.DOWNLOAD, e.step());
        assertTrue(e.getMessage().contains("after 9 of 10 bytes"), e.getMessage());
    }

    @Test
    void resetDuringUploadIsAnUploadFailure() {
        FakeStream s = new FakeStream();
        s.autoComplete = false;
        CompletableFuture<PerfResult> run = client.run(s, 1_000_000, 10).toCompletableFuture();
        s.runTasks();
        s.completeWrites(3);
        s.remoteReset();
        PerfException e = failure(run);
        assertEquals(PerfException.Step.UPLOAD, e.step());
        assertTrue(e.getMessage().startsWith("upload failed: after "), e.getMessage());
        assertTrue(e.getMessage().contains("max.download.bytes"), e.getMessage());
    }

    @Test
    void resetDuringDownloadIsADownloadFailure() {
        FakeStream s = new FakeStream();
        CompletableFuture<PerfResult> run = client.run(s, 10, 100).toCompletableFuture();
        s.runTasks();
        s.deliver(new byte[40]);
        s.remoteReset();
        PerfException e = failure(run);
        assertEquals(PerfException.Step.DOWNLOAD, e.step());
        assertTrue(e.getMessage().contains("after 40 of 100 bytes"), e.getMessage());
    }

    @Test
    void cancellingResetsTheStream() {
        FakeStream s = new FakeStream();
        s.autoComplete = false;
        CompletableFuture<PerfResult> run = client.run(s, 1_000_000, 0).toCompletableFuture();
        s.runTasks();
        run.cancel(false);
        s.runTasks();
        assertTrue(s.reset);
    }

    @Test
    void negativeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> client.run(new FakeStream(), -1, 0));
        assertThrows(IllegalArgumentException.class, () -> client.run(new FakeStream(), 0, -1));
    }
}
