package io.meshwork.libp2p.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Splicing against scripted duplexes whose writes complete only when the test says so. */
class SpliceTest {

    /** Runs everything inline; records writes (left pending), pauses, half-closes and resets. */
    static final class FakeDuplex implements Duplex {
        final List<CompletableFuture<Void>> pendingWrites = new ArrayList<>();
        final List<byte[]> written = new ArrayList<>();
        @Nullable DuplexReader reader;
        boolean paused = true;
        boolean writeClosed;
        boolean wasReset;
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public CompletionStage<Void> write(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            written.add(b);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pendingWrites.add(f);
            return f;
        }

        @Override
        public CompletionStage<Void> closeWrite() {
            writeClosed = true;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void reset() {
            if (!wasReset) {
                wasReset = true;
                closed.completeExceptionally(new IllegalStateException("reset"));
            }
        }

        @Override
        public void close() {
            closed.complete(null);
        }

        @Override
        public void setReader(DuplexReader reader) {
            this.reader = reader;
        }

        @Override
        public void pauseReading() {
            paused = true;
        }

        @Override
        public void resumeReading() {
            paused = false;
        }

        @Override
        public boolean isOpen() {
            return !closed.isDone();
        }

        @Override
        public CompletionStage<Void> closeFuture() {
            return closed;
        }

        void deliver(int n) {
            reader.onData(ByteBuffer.allocate(n));
        }

        long bytesWritten() {
            return written.stream().mapToLong(b -> b.length).sum();
        }
    }

    @Test
    void leftoverGoesFirstAndASlowReceiverPausesTheSender() {
        FakeDuplex a = new FakeDuplex();
        FakeDuplex b = new FakeDuplex();
        Splice.start(a, ByteBuffer.wrap(new byte[] {1, 2, 3}), b, ByteBuffer.allocate(0), 0, 1000);
        assertEquals(List.of(3), b.written.stream().map(x -> x.length).toList(), "bytes behind the handshake first");
        assertFalse(a.paused);
        a.deliver(600);
        assertFalse(a.paused, "603 bytes in flight, bound 1000");
        a.deliver(600);
        assertTrue(a.paused, "1203 bytes in flight: stop reading the sender");
        b.pendingWrites.get(0).complete(null);
        b.pendingWrites.get(1).complete(null);
        assertTrue(a.paused, "600 still in flight, above half the bound");
        b.pendingWrites.get(2).complete(null);
        assertFalse(a.paused, "drained: reading resumes");
        assertEquals(1203, b.bytesWritten());
    }

    @Test
    void dataLimitForwardsUpToTheLimitThenResetsBoth() {
        FakeDuplex a = new FakeDuplex();
        FakeDuplex b = new FakeDuplex();
        Splice s = Splice.start(a, ByteBuffer.allocate(0), b, ByteBuffer.allocate(0), 1000, 1 << 20);
        a.deliver(700);
        b.deliver(900); // the other direction has its own budget
        assertFalse(a.wasReset);
        a.deliver(700);
        assertEquals(1000, b.bytesWritten());
        assertTrue(a.wasReset && b.wasReset);
        assertTrue(s.abortReason().contains("data limit"), s.abortReason());
        assertTrue(s.done().isDone());
    }

    @Test
    void halfCloseIsPassedOnAndAResetResetsTheOtherSide() {
        FakeDuplex a = new FakeDuplex();
        FakeDuplex b = new FakeDuplex();
        Splice s = Splice.start(a, ByteBuffer.allocate(0), b, ByteBuffer.allocate(0), 0, 1000);
        a.reader.onEnd();
        assertTrue(b.writeClosed);
        assertFalse(s.done().isDone());
        b.reader.onClose(new IllegalStateException("remote reset"));
        assertTrue(a.wasReset);
    }

    @Test
    void aFailedWriteAbortsTheCircuit() {
        FakeDuplex a = new FakeDuplex();
        FakeDuplex b = new FakeDuplex();
        Splice s = Splice.start(a, ByteBuffer.allocate(0), b, ByteBuffer.allocate(0), 0, 1000);
        a.deliver(10);
        b.pendingWrites.get(0).completeExceptionally(new IllegalStateException("closed"));
        assertTrue(a.wasReset && b.wasReset);
        assertTrue(s.abortReason().startsWith("writing to the other side failed"), s.abortReason());
    }
}
