package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A sink that goes on reading DATA payloads after the call ({@link FrameSink#writeDataFrame}): the application's
 * write completes only once every frame of it is released, so it cannot change bytes still to be sent.
 */
class RetainedPayloadTest {

    /** Keeps every DATA payload as the view it was given, until the test releases it. */
    private static final class RetainingSink implements FrameSink {
        final List<ByteBuffer> payloads = new ArrayList<>();
        final List<CompletableFuture<Void>> releases = new ArrayList<>();

        @Override
        public void writeFrame(byte[] header, @Nullable ByteBuffer payload) {
            // Control frames: not needed here.
        }

        @Override
        public void flush() {
        }

        @Override
        public CompletionStage<?> writeDataFrame(byte[] header, ByteBuffer payload) {
            payloads.add(payload);
            CompletableFuture<Void> released = new CompletableFuture<>();
            releases.add(released);
            return released;
        }
    }

    private final VirtualLoop loop = new VirtualLoop();
    private final RetainingSink sink = new RetainingSink();
    private final List<YamuxStream> accepted = new ArrayList<>();
    private final YamuxSession session = new YamuxSession(YamuxSession.Role.SERVER, YamuxConfig.defaults(), loop,
            sink, accepted::add, new SessionPair.Endpoint());

    private YamuxStream acceptedStream() {
        session.onInbound(Frames.syn(1));
        loop.runPending();
        return accepted.get(0);
    }

    @Test
    void aWriteCompletesOnlyWhenTheSinkReleasedEveryFrameOfIt() {
        YamuxStream stream = acceptedStream();
        byte[] data = new byte[150_000];
        new Random(3).nextBytes(data);
        CompletableFuture<Void> written = stream.write(ByteBuffer.wrap(data));
        loop.runPending();

        // 150,000 bytes in a 256 KiB window: three frames of at most 65,507 bytes, all views of the caller's array.
        assertEquals(3, sink.payloads.size());
        ByteBuffer all = ByteBuffer.allocate(data.length);
        sink.payloads.forEach(p -> all.put(p.duplicate()));
        assertArrayEquals(data, all.array());
        assertFalse(written.isDone(), "the sink still reads the payload");

        sink.releases.get(0).complete(null);
        sink.releases.get(2).complete(null);
        loop.runPending();
        assertFalse(written.isDone(), "one frame is still read");
        sink.releases.get(1).complete(null);
        loop.runPending();
        assertTrue(written.isDone());
        assertFalse(written.isCompletedExceptionally());
    }

    @Test
    void aWriteWhoseFrameCouldNotBeSentFailsWithTheSinksError() {
        YamuxStream stream = acceptedStream();
        CompletableFuture<Void> written = stream.write(ByteBuffer.allocate(10_000));
        loop.runPending();
        IOException broken = new IOException("connection broke");
        sink.releases.get(0).completeExceptionally(broken);
        loop.runPending();
        CompletionException e = assertThrows(CompletionException.class, written::join);
        assertSame(broken, e.getCause());
    }

    @Test
    void aWriteCutShortByAResetFailsOnlyOnceTheSinkReleasedWhatItWasGiven() {
        YamuxStream stream = acceptedStream();
        // More than the 256 KiB window: part is framed (and retained), the rest waits in the queue.
        CompletableFuture<Void> written = stream.write(ByteBuffer.allocate(300_000));
        loop.runPending();
        assertEquals(5, sink.payloads.size());
        stream.reset();
        loop.runPending();
        assertFalse(written.isDone(), "the caller's buffer is still read");
        sink.releases.forEach(r -> r.complete(null));
        loop.runPending();
        CompletionException e = assertThrows(CompletionException.class, written::join);
        assertInstanceOf(YamuxStreamResetException.class, e.getCause());
    }
}
