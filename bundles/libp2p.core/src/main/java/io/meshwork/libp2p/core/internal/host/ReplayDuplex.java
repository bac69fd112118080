package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The hand-over after multistream-select: negotiation leaves the underlying duplex paused, holding any bytes that
 * arrived behind the answer. The first {@link #setReader} delivers those bytes, installs the reader and resumes
 * reading, unless the new owner paused the duplex first (then its own {@link #resumeReading()} starts delivery).
 * Confined like its delegate.
 */
class ReplayDuplex implements Duplex {

    private final Duplex delegate;
    private ByteBuffer leftover;
    private boolean ownerPaused;
    private boolean handedOver;
    private @Nullable DuplexReader reader;

    ReplayDuplex(Duplex delegate, ByteBuffer leftover) {
        this.delegate = delegate;
        this.leftover = leftover;
    }

    static Duplex wrap(Duplex delegate, ByteBuffer leftover) {
        return new ReplayDuplex(delegate, leftover);
    }

    @Override
    public Executor executor() {
        return delegate.executor();
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        return delegate.write(data);
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        return delegate.closeWrite();
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void setReader(DuplexReader newReader) {
        delegate.executor().execute(() -> {
            reader = newReader;
            delegate.setReader(newReader);
            if (!ownerPaused) {
                replay();
                if (!handedOver) {
                    handedOver = true;
                    // Behind the delegate's own (possibly queued) setReader on the same serial executor, so
                    // held data goes to the new reader, never to the negotiation's.
                    delegate.executor().execute(delegate::resumeReading);
                }
            }
        });
    }

    /** Delivers the bytes that arrived behind the negotiation, once, before anything else. */
    private void replay() {
        DuplexReader r = reader;
        if (r != null && leftover.hasRemaining()) {
            ByteBuffer replay = leftover;
            leftover = ByteBuffer.allocate(0);
            r.onData(replay);
        }
    }

    @Override
    public void pauseReading() {
        delegate.executor().execute(() -> {
            ownerPaused = true;
            delegate.pauseReading();
        });
    }

    @Override
    public void resumeReading() {
        delegate.executor().execute(() -> {
            ownerPaused = false;
            replay();
            handedOver = reader != null || handedOver;
            delegate.executor().execute(delegate::resumeReading);
        });
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return delegate.closeFuture();
    }
}
