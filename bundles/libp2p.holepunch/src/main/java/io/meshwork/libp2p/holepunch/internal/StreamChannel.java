package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.holepunch.internal.dcutr.MessageChannel;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A DCUtR stream as whole messages: length-prefixed, at most {@value HolePunch#MAX_MESSAGE_SIZE} bytes each, at
 * most {@value #MAX_QUEUED} unread messages (a peer that sends more is reset). Thread-safe (one monitor).
 */
final class StreamChannel implements MessageChannel {

    static final int MAX_QUEUED = 4;

    private final Stream stream;
    private final ArrayDeque<HolePunch> inbox = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<HolePunch>> waiting = new ArrayDeque<>();
    private @Nullable Throwable ended;

    StreamChannel(Stream stream) {
        this.stream = stream;
        stream.setReader(new VarintFrames.Reader(HolePunch.MAX_MESSAGE_SIZE, new VarintFrames.MessageHandler() {
            @Override
            public void onMessage(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                HolePunch m;
                try {
                    m = HolePunch.decode(bytes);
                } catch (MalformedDataException e) {
                    fail(e);
                    stream.reset();
                    return;
                }
                deliver(m);
            }

            @Override
            public void onEnd() {
                fail(new EOFException("the DCUtR stream ended"));
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                fail(cause != null ? cause : new EOFException("the DCUtR stream closed"));
            }
        }));
    }

    private void deliver(HolePunch m) {
        CompletableFuture<HolePunch> w;
        synchronized (this) {
            w = waiting.poll();
            if (w == null) {
                if (inbox.size() >= MAX_QUEUED) {
                    ended = new MalformedDataException("more than " + MAX_QUEUED + " unread DCUtR messages");
                    stream.reset();
                    return;
                }
                inbox.add(m);
                return;
            }
        }
        w.complete(m);
    }

    private void fail(Throwable cause) {
        ArrayDeque<CompletableFuture<HolePunch>> toFail;
        synchronized (this) {
            if (ended == null) {
                ended = cause;
            }
            toFail = new ArrayDeque<>(waiting);
            waiting.clear();
        }
        toFail.forEach(f -> f.completeExceptionally(cause));
    }

    @Override
    public CompletionStage<Void> send(HolePunch message) {
        return stream.write(VarintFrames.frame(message.encode()));
    }

    @Override
    public CompletionStage<HolePunch> receive() {
        synchronized (this) {
            HolePunch m = inbox.poll();
            if (m != null) {
                return CompletableFuture.completedFuture(m);
            }
            if (ended != null) {
                return CompletableFuture.failedFuture(ended);
            }
            CompletableFuture<HolePunch> f = new CompletableFuture<>();
            waiting.add(f);
            return f;
        }
    }

    @Override
    public void close() {
        stream.closeWrite();
        stream.close();
    }

    @Override
    public void reset() {
        stream.reset();
    }
}
