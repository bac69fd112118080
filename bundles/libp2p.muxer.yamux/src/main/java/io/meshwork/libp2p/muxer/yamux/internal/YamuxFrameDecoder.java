package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Splits an inbound byte stream, given in chunks of any size, into whole Yamux frames.
 *
 * <p>A DATA frame's length is checked twice before anything is allocated for it: against the absolute bound given
 * at construction, then by {@link Handler#onDataHeader}, which checks it against the stream's window and may ask for
 * the payload to be skipped (frames for unknown streams). A payload that lies whole in one chunk is handed over as a
 * slice of that chunk (no copy); only a payload split across chunks is assembled, in a buffer of the checked length.
 *
 * <p>Not thread-safe: used by one session in its serial context.
 */
final class YamuxFrameDecoder {

    /** Receives decoded frames. */
    interface Handler {

        /**
         * A DATA header, before its payload. Returns whether the payload should be delivered to {@link #onFrame}
         * ({@code false}: the payload bytes are skipped without being buffered).
         *
         * @throws YamuxProtocolException to reject the frame (the decoder then stops)
         */
        boolean onDataHeader(YamuxHeader header) throws YamuxProtocolException;

        /**
         * A whole frame. {@code payload} is the DATA payload (possibly empty) or {@code null} for other types; it is
         * only valid during this call.
         *
         * @throws YamuxProtocolException to reject the frame (the decoder then stops)
         */
        void onFrame(YamuxHeader header, @Nullable ByteBuffer payload) throws YamuxProtocolException;
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final long maxDataPayload;
    private final ByteBuffer headerBuf = ByteBuffer.allocate(YamuxHeader.SIZE);
    private @Nullable YamuxHeader current;
    private long payloadRemaining;
    private boolean skipping;
    private @Nullable ByteBuffer assembly;
    private boolean closed;

    /** @param maxDataPayload the largest DATA payload accepted at all; longer frames are a protocol error */
    YamuxFrameDecoder(int maxDataPayload) {
        if (maxDataPayload < 0) {
            throw new IllegalArgumentException("maxDataPayload " + maxDataPayload + " < 0");
        }
        this.maxDataPayload = maxDataPayload;
    }

    /**
     * Consumes all of {@code in} (its position ends at its limit), calling {@code handler} for every complete frame.
     * Stops early, discarding the rest, once {@link #close()} was called (also from within the handler).
     *
     * @throws YamuxProtocolException on a malformed header or a rejected frame; the decoder is then closed
     */
    void decode(ByteBuffer in, Handler handler) throws YamuxProtocolException {
        try {
            while (!closed && in.hasRemaining()) {
                YamuxHeader header = current;
                if (header == null) {
                    readHeader(in, handler);
                } else if (skipping) {
                    int n = (int) Math.min(in.remaining(), payloadRemaining);
                    in.position(in.position() + n);
                    payloadRemaining -= n;
                    if (payloadRemaining == 0) {
                        current = null;
                    }
                } else {
                    readPayload(in, header, handler);
                }
            }
        } catch (YamuxProtocolException e) {
            close();
            throw e;
        } finally {
            if (closed) {
                in.position(in.limit());
            }
        }
    }

    private void readHeader(ByteBuffer in, Handler handler) throws YamuxProtocolException {
        YamuxHeader header;
        if (headerBuf.position() == 0 && in.remaining() >= YamuxHeader.SIZE) {
            header = YamuxHeader.decode(in);
        } else {
            int n = Math.min(headerBuf.remaining(), in.remaining());
            headerBuf.put(headerBuf.position(), in, in.position(), n);
            headerBuf.position(headerBuf.position() + n);
            in.position(in.position() + n);
            if (headerBuf.hasRemaining()) {
                return;
            }
            headerBuf.flip();
            header = YamuxHeader.decode(headerBuf);
            headerBuf.clear();
        }
        if (header.type() != YamuxHeader.TYPE_DATA) {
            handler.onFrame(header, null);
            return;
        }
        long length = header.lengthUnsigned();
        if (length > maxDataPayload) {
            throw new YamuxProtocolException("DATA frame of " + length + " bytes on stream "
                    + header.streamIdUnsigned() + " exceeds the maximum of " + maxDataPayload);
        }
        boolean deliver = handler.onDataHeader(header);
        if (closed) {
            return;
        }
        if (length == 0) {
            if (deliver) {
                handler.onFrame(header, EMPTY);
            }
            return;
        }
        current = header;
        payloadRemaining = length;
        skipping = !deliver;
    }

    private void readPayload(ByteBuffer in, YamuxHeader header, Handler handler) throws YamuxProtocolException {
        ByteBuffer buf = assembly;
        if (buf == null && in.remaining() >= payloadRemaining) {
            int n = (int) payloadRemaining;
            ByteBuffer slice = in.slice(in.position(), n);
            in.position(in.position() + n);
            current = null;
            payloadRemaining = 0;
            handler.onFrame(header, slice);
            return;
        }
        if (buf == null) {
            // Length was checked against maxDataPayload and by the handler (the stream's window).
            buf = ByteBuffer.allocate((int) header.lengthUnsigned());
            assembly = buf;
        }
        int n = (int) Math.min(in.remaining(), payloadRemaining);
        buf.put(buf.position(), in, in.position(), n);
        buf.position(buf.position() + n);
        in.position(in.position() + n);
        payloadRemaining -= n;
        if (payloadRemaining == 0) {
            current = null;
            assembly = null;
            buf.flip();
            handler.onFrame(header, buf);
        }
    }

    /** Bytes held for a frame not yet complete (header bytes and assembled payload). */
    long bufferedBytes() {
        ByteBuffer buf = assembly;
        return headerBuf.position() + (buf == null ? 0 : buf.position());
    }

    /** Stops decoding and releases the partial frame; later input is discarded. */
    void close() {
        closed = true;
        assembly = null;
        current = null;
    }

    boolean isClosed() {
        return closed;
    }
}
