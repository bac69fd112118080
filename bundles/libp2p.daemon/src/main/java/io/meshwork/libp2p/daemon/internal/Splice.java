package io.meshwork.libp2p.daemon.internal;

import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Joins a control connection and a libp2p stream in both directions, with backpressure: the socket is read again
 * only when the stream has taken the last chunk, and the stream is paused while more than {@code limit} bytes wait
 * for the socket. A half-close travels across; a reset or socket error on either side ends both.
 */
final class Splice {

    private static final int CHUNK = 16 * 1024;

    private final AsynchronousSocketChannel channel;
    private final SocketWriter writer;
    private final Stream stream;
    private final int limit;
    private final Runnable onDone;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicInteger halvesDone = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();

    private Splice(AsynchronousSocketChannel channel, SocketWriter writer, Stream stream, int limit,
                   Runnable onDone) {
        this.channel = channel;
        this.writer = writer;
        this.stream = stream;
        this.limit = limit;
        this.onDone = onDone;
    }

    /**
     * Starts splicing. {@code leftover} are bytes already read from the socket that belong to the stream.
     * {@code onDone} runs once when both are closed.
     */
    static void start(AsynchronousSocketChannel channel, SocketWriter writer, Stream stream, ByteBuffer leftover,
                      int limit, Runnable onDone) {
        Splice s = new Splice(channel, writer, stream, limit, onDone);
        stream.setReader(s.new ToSocket());
        if (leftover.hasRemaining()) {
            stream.write(leftover).whenComplete((v, e) -> {
                if (e != null) {
                    s.abort();
                } else {
                    s.readSocket();
                }
            });
        } else {
            s.readSocket();
        }
    }

    private void readSocket() {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        channel.read(buffer, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    stream.closeWrite();
                    halfDone();
                    return;
                }
                buffer.flip();
                stream.write(buffer).whenComplete((v, e) -> {
                    if (e != null) {
                        abort();
                    } else {
                        readSocket();
                    }
                });
            }

            @Override
            public void failed(Throwable e, Void a) {
                abort();
            }
        });
    }

    private final class ToSocket implements DuplexReader {
        @Override
        public void onData(ByteBuffer data) {
            int n = data.remaining();
            ByteBuffer copy = ByteBuffer.allocate(n).put(data).flip();
            if (queued.addAndGet(n) > limit && paused.compareAndSet(false, true)) {
                stream.pauseReading();
            }
            writer.write(copy).whenComplete((v, e) -> {
                if (e != null) {
                    abort();
                    return;
                }
                if (queued.addAndGet(-n) <= limit / 2 && paused.get()) {
                    stream.executor().execute(() -> {
                        if (paused.compareAndSet(true, false)) {
                            stream.resumeReading();
                        }
                    });
                }
            });
        }

        @Override
        public void onEnd() {
            writer.shutdownOutput().whenComplete((v, e) -> {
                if (e != null) {
                    abort();
                } else {
                    halfDone();
                }
            });
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (cause != null) {
                abort();
            } else {
                // a clean close without onEnd (e.g. closed locally): flush and finish
                writer.write(ByteBuffer.allocate(0)).whenComplete((v, e) -> finish());
            }
        }
    }

    private void halfDone() {
        if (halvesDone.incrementAndGet() == 2) {
            stream.close();
            writer.write(ByteBuffer.allocate(0)).whenComplete((v, e) -> finish());
        }
    }

    private void abort() {
        stream.reset();
        finish();
    }

    private void finish() {
        if (finished.compareAndSet(false, true)) {
            ControlServer.closeQuietly(channel);
            onDone.run();
        }
    }
}
