package io.meshwork.libp2p.muxer.yamux.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/** A stream listener that checksums (and optionally keeps) what it receives. */
final class Collector implements StreamListener {

    private final CRC32 crc = new CRC32();
    private final @Nullable ByteArrayOutputStream kept;
    long bytes;
    int dataCalls;
    boolean ended;
    @Nullable YamuxStreamResetException reset;

    Collector(boolean keep) {
        kept = keep ? new ByteArrayOutputStream() : null;
    }

    Collector() {
        this(true);
    }

    @Override
    public void onData(ByteBuffer data) {
        if (ended || reset != null) {
            throw new AssertionError("data after the end");
        }
        dataCalls++;
        bytes += data.remaining();
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        crc.update(copy);
        if (kept != null) {
            kept.writeBytes(copy);
        }
    }

    @Override
    public void onEnd() {
        if (ended || reset != null) {
            throw new AssertionError("second terminal callback");
        }
        ended = true;
    }

    @Override
    public void onReset(YamuxStreamResetException reason) {
        if (ended || reset != null) {
            throw new AssertionError("second terminal callback");
        }
        reset = reason;
    }

    long crc() {
        return crc.getValue();
    }

    byte[] kept() {
        if (kept == null) {
            throw new IllegalStateException("not keeping data");
        }
        return kept.toByteArray();
    }

    String text() {
        return new String(kept(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
