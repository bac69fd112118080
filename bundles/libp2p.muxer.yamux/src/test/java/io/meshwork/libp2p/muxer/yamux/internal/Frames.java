package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Predicate;

/** Raw frames for tests that play the peer by hand. */
final class Frames {

    private Frames() {
    }

    static ByteBuffer frame(int type, int flags, int streamId, int length) {
        return ByteBuffer.wrap(new YamuxHeader(type, flags, streamId, length).encode());
    }

    static ByteBuffer data(int flags, int streamId, byte[] payload) {
        return ByteBuffer.allocate(YamuxHeader.SIZE + payload.length)
                .put(new YamuxHeader(YamuxHeader.TYPE_DATA, flags, streamId, payload.length).encode())
                .put(payload)
                .flip();
    }

    static ByteBuffer syn(int streamId) {
        return frame(YamuxHeader.TYPE_WINDOW_UPDATE, YamuxHeader.FLAG_SYN, streamId, 0);
    }

    static long count(List<CapturingSink.Frame> frames, Predicate<YamuxHeader> predicate) {
        return frames.stream().filter(f -> predicate.test(f.header())).count();
    }

    static Predicate<YamuxHeader> is(int type, int flag) {
        return h -> h.type() == type && h.has(flag);
    }
}
