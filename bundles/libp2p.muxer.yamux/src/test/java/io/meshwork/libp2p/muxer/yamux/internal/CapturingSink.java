package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Records every frame written (copied, as the sink contract requires) until a test takes them. */
final class CapturingSink implements FrameSink {

    record Frame(YamuxHeader header, byte[] payload) {
        byte[] bytes() {
            byte[] out = new byte[YamuxHeader.SIZE + payload.length];
            header.encodeInto(out);
            System.arraycopy(payload, 0, out, YamuxHeader.SIZE, payload.length);
            return out;
        }
    }

    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private final List<Frame> history = new ArrayList<>();
    boolean keepHistory = true;
    int flushes;
    long dataBytes;

    @Override
    public void writeFrame(byte[] header, @Nullable ByteBuffer payload) {
        if (header.length != YamuxHeader.SIZE) {
            throw new AssertionError("header of " + header.length + " bytes");
        }
        YamuxHeader parsed;
        try {
            parsed = YamuxHeader.decode(ByteBuffer.wrap(header));
        } catch (YamuxProtocolException e) {
            throw new AssertionError("session wrote an invalid header", e);
        }
        byte[] body = new byte[payload == null ? 0 : payload.remaining()];
        if (payload != null) {
            payload.duplicate().get(body);
            if (parsed.type() != YamuxHeader.TYPE_DATA || parsed.length() != body.length) {
                throw new AssertionError("payload does not match header " + parsed);
            }
            dataBytes += body.length;
        }
        Frame frame = new Frame(parsed, body);
        pending.add(frame);
        if (keepHistory) {
            history.add(frame);
        }
    }

    @Override
    public void flush() {
        flushes++;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Takes the frames written since the last call. */
    List<Frame> take() {
        List<Frame> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    List<Frame> history() {
        return history;
    }

    /** Takes the pending frames as one byte array. */
    byte[] takeBytes() {
        int total = 0;
        for (Frame f : pending) {
            total += YamuxHeader.SIZE + f.payload.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (Frame f : take()) {
            out.put(f.bytes());
        }
        return out.array();
    }
}
