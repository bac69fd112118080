package io.meshwork.libp2p.relay.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.VarintFrames;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Reads exactly one delimited message off a duplex and stops: the duplex is left paused, and whatever arrived
 * behind the message (the first bytes of the relayed connection) is returned with it, so that the next owner of the
 * stream sees every byte. Messages are bounded by {@code maxSize}; a longer, overlong-prefixed, truncated or late
 * message fails the stage.
 */
public final class Handshake {

    /** One message and the bytes that followed it in the same read. */
    public record Message(byte[] body, ByteBuffer leftover) {
    }

    private Handshake() {
    }

    public static CompletionStage<Void> send(Duplex duplex, byte[] message) {
        return duplex.write(VarintFrames.frame(message));
    }

    /** Reads one message; fails after {@code timeoutMillis} (the duplex is then reset). */
    public static CompletableFuture<Message> read(Duplex duplex, int maxSize, long timeoutMillis,
                                                  ScheduledExecutorService timer) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        OneMessage reader = new OneMessage(duplex, maxSize, result);
        duplex.setReader(reader);
        var timeout = timer.schedule(() -> reader.fail(new TimeoutException("no relay message within "
                + timeoutMillis + " ms")), timeoutMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((m, e) -> timeout.cancel(false));
        return result;
    }

    private static final class OneMessage implements DuplexReader {
        private final Duplex duplex;
        private final int maxSize;
        private final CompletableFuture<Message> result;
        /**
         * Claimed by whichever outcome comes first (the message, a failure, the timeout), so that a failure resets
         * the duplex before anyone waiting on {@code result} sees it.
         */
        private final AtomicBoolean decided = new AtomicBoolean();
        private byte[] buffer = new byte[64];
        private int length;

        OneMessage(Duplex duplex, int maxSize, CompletableFuture<Message> result) {
            this.duplex = duplex;
            this.maxSize = maxSize;
            this.result = result;
        }

        @Override
        public void onData(ByteBuffer data) {
            if (decided.get()) {
                return; // paused; nothing more should arrive, and the next owner replaces this reader
            }
            while (data.hasRemaining()) {
                ensure(length + 1);
                buffer[length++] = data.get();
                int[] header;
                try {
                    header = header();
                } catch (MalformedDataException e) {
                    fail(e);
                    return;
                }
                if (header == null) {
                    if (length >= Varint.MAX_LENGTH) {
                        fail(new MalformedDataException("relay message length prefix is overlong"));
                        return;
                    }
                    continue;
                }
                int bodyLength = header[0];
                int prefix = header[1];
                if (bodyLength > maxSize) {
                    fail(new MalformedDataException("relay message of " + bodyLength + " bytes exceeds "
                            + maxSize));
                    return;
                }
                int need = prefix + bodyLength - length;
                int take = Math.min(need, data.remaining());
                ensure(length + take);
                data.get(buffer, length, take);
                length += take;
                if (length == prefix + bodyLength) {
                    byte[] body = java.util.Arrays.copyOfRange(buffer, prefix, prefix + bodyLength);
                    ByteBuffer rest = ByteBuffer.allocate(data.remaining());
                    rest.put(data).flip();
                    if (decided.compareAndSet(false, true)) {
                        duplex.pauseReading();
                        result.complete(new Message(body, rest));
                    }
                }
                return;
            }
        }

        /** {length, prefixLength} once the prefix is complete, else null. */
        private int @Nullable [] header() {
            long value = 0;
            for (int i = 0; i < length && i < Varint.MAX_LENGTH; i++) {
                int b = buffer[i] & 0xff;
                value |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) {
                        throw new MalformedDataException("relay message length prefix is not minimal");
                    }
                    return new int[] {(int) Math.min(value, Integer.MAX_VALUE), i + 1};
                }
            }
            return null;
        }

        private void ensure(int capacity) {
            if (capacity > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
            }
        }

        void fail(Exception e) {
            if (decided.compareAndSet(false, true)) {
                duplex.reset();
                result.completeExceptionally(e);
            }
        }

        @Override
        public void onEnd() {
            fail(new EOFException("the stream ended before a relay message arrived"));
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (decided.compareAndSet(false, true)) {
                result.completeExceptionally(cause != null ? cause
                        : new EOFException("the stream closed before a relay message arrived"));
            }
        }
    }
}
