package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Benchmark access to the package-private {@link YamuxFrameDecoder} and {@link YamuxHeader}: a decoder whose
 * handler accepts every DATA frame and counts frames and payload bytes, plus a helper that encodes DATA frames.
 * Lives in the benchmarks module only (same package name, plain classpath).
 */
public final class YamuxDecoderProbe implements YamuxFrameDecoder.Handler {

    /** Size of a frame header. */
    public static final int HEADER_SIZE = YamuxHeader.SIZE;

    private final YamuxFrameDecoder decoder;
    private long frames;
    private long payloadBytes;
    private int lastStreamId;

    public YamuxDecoderProbe(int maxDataPayload) {
        decoder = new YamuxFrameDecoder(maxDataPayload);
    }

    /** Encodes {@code count} DATA frames of {@code payload} bytes each, on streams 1, 3, 5, ... in turn. */
    public static byte[] dataFrames(int count, int payload, int streams) {
        byte[] out = new byte[count * (YamuxHeader.SIZE + payload)];
        byte[] header = new byte[YamuxHeader.SIZE];
        int off = 0;
        for (int i = 0; i < count; i++) {
            YamuxHeader.encode(header, YamuxHeader.TYPE_DATA, 0, 1 + 2 * (i % streams), payload);
            System.arraycopy(header, 0, out, off, header.length);
            off += header.length;
            for (int j = 0; j < payload; j++) {
                out[off + j] = (byte) (i + j);
            }
            off += payload;
        }
        return out;
    }

    /** Decodes all of {@code in}; returns the frames completed by this call. */
    public long decode(ByteBuffer in) throws YamuxProtocolException {
        long before = frames;
        decoder.decode(in, this);
        return frames - before;
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    public int lastStreamId() {
        return lastStreamId;
    }

    @Override
    public boolean onDataHeader(YamuxHeader header) {
        return true;
    }

    @Override
    public void onFrame(YamuxHeader header, @Nullable ByteBuffer payload) {
        frames++;
        lastStreamId = header.streamId();
        if (payload != null) {
            payloadBytes += payload.remaining();
        }
    }
}
