package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;

/**
 * Receives a stream's inbound data and end. Called on the session's {@link SerialExecutor}; calls may be nested in
 * the application's own calls on the stream ({@link YamuxStream#resumeReading()} delivers buffered data before it
 * returns). After {@link #onEnd()} or {@link #onReset}, nothing more is delivered.
 *
 * <p>Flow control follows consumption: the bytes given to {@link #onData} count as consumed when it returns (also
 * when the listener paused the stream during the call). A slow consumer calls
 * {@link YamuxStream#pauseReading()}, which stops delivery; received data then waits in the stream, bounded by the
 * window this side granted, and the peer's writer stalls until {@link YamuxStream#resumeReading()}.
 */
public interface StreamListener {

    /**
     * Inbound bytes. {@code data} is only valid during this call: copy what you keep. A {@link RuntimeException}
     * thrown here resets the stream (and is logged).
     */
    void onData(ByteBuffer data);

    /** The peer closed its write side (FIN) and all its data has been delivered. */
    default void onEnd() {
    }

    /** The stream was reset by the peer or because the session ended (not after this side's own reset). */
    default void onReset(YamuxStreamResetException reason) {
    }
}
