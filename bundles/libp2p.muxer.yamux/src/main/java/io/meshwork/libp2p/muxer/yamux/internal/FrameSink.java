package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
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

    /** Flushes the frames written so far; called once at the end of every batch of work. */
    void flush();
}
