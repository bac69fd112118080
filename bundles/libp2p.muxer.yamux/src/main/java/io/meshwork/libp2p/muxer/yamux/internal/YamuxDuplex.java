package io.meshwork.libp2p.muxer.yamux.internal;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.StreamResetException;
import io.meshwork.libp2p.api.io.WriteQueueFullException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A Yamux stream as a {@link Duplex}. The stream is finished when both our FIN is sent and the peer's has arrived
 * (or reading was closed locally), or on a reset; then {@link DuplexReader#onClose} runs once and
 * {@link #closeFuture()} completes. Confined to the session's executor.
 */
final class YamuxDuplex implements Duplex {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(YamuxDuplex.class);

    private final YamuxStream stream;
    private final LoopExecutor loop;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private @Nullable DuplexReader reader;
    private boolean writeDone;
    private boolean readDone;

    YamuxDuplex(YamuxStream stream, LoopExecutor loop) {
        this.stream = stream;
        this.loop = loop;
    }

    @Override
    public Executor executor() {
        return loop;
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        return stream.write(data).handle(YamuxDuplex::translate);
    }

    private static Void translate(@Nullable Void v, @Nullable Throwable e) {
        if (e == null) {
            return null;
        }
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof YamuxWriteQueueFullException) {
            throw new CompletionException(new WriteQueueFullException(t.getMessage()));
        }
        if (t instanceof YamuxStreamResetException r) {
            throw new CompletionException(new StreamResetException(r.getMessage(), r.errorCode()));
        }
        throw new CompletionException(new DuplexClosedException(String.valueOf(t.getMessage()), t));
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        return stream.closeWrite().whenComplete((v, e) -> loop.execute(() -> {
            writeDone = true;
            maybeFinished();
        }));
    }

    @Override
    public void reset() {
        stream.reset();
        loop.execute(() -> finish(new DuplexClosedException("stream " + stream.id() + " reset locally")));
    }

    @Override
    public void close() {
        stream.close().whenComplete((v, e) -> loop.execute(() -> {
            writeDone = true;
            readDone = true;
            maybeFinished();
        }));
    }

    @Override
    public void setReader(DuplexReader newReader) {
        loop.execute(() -> {
            reader = newReader;
            stream.setListener(new StreamListener() {
                @Override
                public void onData(ByteBuffer data) {
                    try {
                        newReader.onData(data);
                    } catch (RuntimeException e) {
                        // The reader rejected the data (e.g. a malformed message): reset, and tell the reader why.
                        LOG.debug("Reader of {} failed; resetting the stream", stream, e);
                        stream.reset();
                        finish(e);
                    }
                }

                @Override
                public void onEnd() {
                    readDone = true;
                    newReader.onEnd();
                    maybeFinished();
                }

                @Override
                public void onReset(YamuxStreamResetException reason) {
                    finish(new StreamResetException(reason.getMessage(), reason.errorCode()));
                }
            });
        });
    }

    @Override
    public void pauseReading() {
        stream.pauseReading();
    }

    @Override
    public void resumeReading() {
        stream.resumeReading();
    }

    @Override
    public boolean isOpen() {
        return !closeFuture.isDone();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    private void maybeFinished() {
        if (writeDone && readDone) {
            finish(null);
        }
    }

    private void finish(@Nullable Throwable cause) {
        if (closeFuture.isDone()) {
            return;
        }
        if (cause == null) {
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(cause);
        }
        DuplexReader r = reader;
        if (r != null) {
            r.onClose(cause);
        }
    }

    @Override
    public String toString() {
        return "YamuxDuplex[" + stream + "]";
    }
}
