package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where a session writes its frames: implemented by the transport adapter, which writes them to the (encrypted)
 * connection. Called only from the session's {@link SerialExecutor}.
 *
 * <p>Backpressure from the transport is signalled back with {@link YamuxSession#setTransportWritable(boolean)}:
 * while the transport is not writable the session emits no DATA frames (control frames still go out; they are 12
 * bytes each and answer the peer's own traffic).
 */
public interface FrameSink {

    /**
     * Writes one frame. {@code header} holds exactly 12 bytes; {@code payload} is the DATA payload or {@code null}.
     * Neither may be retained after this call returns (the session reuses the header array, and the payload is a
     * view of the application's buffer): copy or encrypt them before returning. May buffer until {@link #flush()}.
     * A {@link RuntimeException} thrown here terminates the session with
     * {@link YamuxSessionClosedException.Reason#TRANSPORT_CLOSED}.
     */
    void writeFrame(byte[] header, @Nullable ByteBuffer payload);

    /**
     * Writes one DATA frame like {@link #writeFrame}, except that the sink may go on reading {@code payload} (never
     * the header) after this call returns, until the returned stage completes: the session completes the
     * application's write only then, so the application cannot change the bytes while they are still being read.
     * This lets a sink hand a large payload on without copying it. The default copies, as {@link #writeFrame}
     * does.
     *
     * @return {@code null} if the payload is no longer read when this call returns; otherwise a stage that
     *     completes (on the session's executor) once it is no longer read, exceptionally if it could not be sent
     */
    default @Nullable CompletionStage<?> writeDataFrame(byte[] header, ByteBuffer payload) {
        writeFrame(header, payload);
        return null;
    }

    /** Flushes the frames written so far; called once at the end of every batch of work. */
    void flush();
}
