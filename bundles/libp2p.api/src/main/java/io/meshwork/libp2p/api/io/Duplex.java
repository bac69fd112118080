package io.meshwork.libp2p.api.io;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A bidirectional, ordered, asynchronous byte pipe: a raw transport connection, a secured connection, or a
 * multiplexed stream.
 *
 * <p><b>Threading.</b> Every duplex belongs to one serial {@link #executor()} (a connection's event loop). Reader
 * callbacks always run there. All methods may be called from any thread; calls from elsewhere hop onto the
 * executor, so the order of calls from one thread is kept.
 *
 * <p><b>Backpressure.</b> {@link #write} returns a stage that completes once the data has been handed on by the
 * layer below within its bounds (for a stream: framed within the peer's flow-control window and accepted by the
 * connection; for a socket: written to the kernel). A writer that keeps a bounded number of writes outstanding is
 * slowed exactly as much as the slowest link, and nothing buffers without bound. Writes beyond a layer's queue
 * limit fail fast with {@link WriteQueueFullException} instead of buffering.
 *
 * <p><b>Batching.</b> Writes issued in one executor task are sent together at the end of that task; there is no
 * explicit flush.
 */
@ProviderType
public interface Duplex {

    /** The serial executor that runs this duplex's callbacks and state changes. */
    Executor executor();

    /**
     * Sends {@code data} (its remaining bytes). The duplex owns the buffer until the returned stage completes; do
     * not modify it before. Fails with {@link DuplexClosedException} after {@link #closeWrite()}, {@link #reset()}
     * or a failure of the duplex.
     */
    CompletionStage<Void> write(ByteBuffer data);

    /**
     * Half-closes: no more writes from this side, the remote reader sees the end of the data once everything
     * written before has arrived. Reading goes on.
     */
    CompletionStage<Void> closeWrite();

    /** Aborts both directions at once; pending writes fail, the remote sees a reset. Idempotent. */
    void reset();

    /**
     * Closes gracefully: half-closes, stops delivering data and releases everything once the remote has closed
     * too (or at once for layers without half-close). Idempotent.
     */
    void close();

    /**
     * Sets the reader that receives incoming data. Until a reader is set, incoming data is held (bounded by the
     * layer's flow control). Replacing the reader is allowed from the executor (protocol negotiation hands the
     * stream on); data already delivered is not repeated.
     */
    void setReader(DuplexReader reader);

    /** Stops delivering data to the reader; incoming data is held and flow control tells the sender to wait. */
    void pauseReading();

    /** Resumes delivery after {@link #pauseReading()}, starting with the held data. */
    void resumeReading();

    /** True until the duplex is fully closed or reset. */
    boolean isOpen();

    /** Completes normally on a clean close, exceptionally on a reset or failure. */
    CompletionStage<Void> closeFuture();
}
