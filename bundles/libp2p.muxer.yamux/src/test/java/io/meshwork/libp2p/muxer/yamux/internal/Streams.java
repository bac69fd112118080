package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/** Test helpers: paced senders and an echo that respects backpressure. */
final class Streams {

    private Streams() {
    }

    /**
     * Writes {@code data} in {@code chunk}-byte writes, each after the previous one completed (the future is the
     * backpressure signal), then closes the write side.
     */
    static CompletableFuture<Void> sendAll(YamuxStream stream, byte[] data, int chunk, boolean closeAfter) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Runnable() {
            int offset;

            @Override
            public void run() {
                if (offset >= data.length) {
                    CompletableFuture<Void> end = closeAfter ? stream.closeWrite()
                            : CompletableFuture.completedFuture(null);
                    end.whenComplete((v, e) -> complete(done, e));
                    return;
                }
                int n = Math.min(chunk, data.length - offset);
                ByteBuffer buf = ByteBuffer.wrap(data, offset, n);
                offset += n;
                stream.write(buf).whenComplete((v, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        run();
                    }
                });
            }
        }.run();
        return done;
    }

    private static void complete(CompletableFuture<Void> done, Throwable error) {
        if (error != null) {
            done.completeExceptionally(error);
        } else {
            done.complete(null);
        }
    }

    /** Echoes everything back; pauses reading while an echo write is pending; half-closes after the peer's FIN. */
    static void echo(YamuxStream stream) {
        stream.setListener(new StreamListener() {
            @Override
            public void onData(ByteBuffer data) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
                CompletableFuture<Void> written = stream.write(copy);
                if (!written.isDone()) {
                    stream.pauseReading();
                    written.whenComplete((v, e) -> {
                        if (e == null) {
                            stream.resumeReading();
                        }
                    });
                }
            }

            @Override
            public void onEnd() {
                stream.closeWrite();
            }
        });
    }

    static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }
}
