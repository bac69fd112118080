package io.meshwork.libp2p.api.io;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Length-prefixed ("delimited") messages: {@code uvarint(length) ‖ bytes}, the framing of identify, the DHT,
 * circuit relay, DCUtR, AutoNAT and gossipsub streams.
 *
 * <p>{@link #frame} builds a frame; a {@link Reader} turns the chunks a {@link Duplex} delivers back into whole
 * messages. Length prefixes must be minimal unsigned varints, as the multiformats specification requires.
 */
public final class VarintFrames {

    private VarintFrames() {
    }

    /** A new heap buffer holding {@code uvarint(message.length) ‖ message}, positioned at 0. */
    public static ByteBuffer frame(byte[] message) {
        return frame(ByteBuffer.wrap(message));
    }

    /**
     * A new heap buffer holding {@code uvarint(message.remaining()) ‖} the remaining bytes of {@code message},
     * positioned at 0. The position of {@code message} is not changed.
     */
    public static ByteBuffer frame(ByteBuffer message) {
        int length = message.remaining();
        byte[] out = new byte[Varint.encodedLength(length) + length];
        int offset = Varint.write(length, out, 0);
        message.duplicate().get(out, offset, length);
        return ByteBuffer.wrap(out);
    }

    /**
     * Receives the messages a {@link Reader} decodes. Called on the duplex's executor only, never concurrently,
     * and never again after {@link #onClose}.
     */
    @ConsumerType
    @FunctionalInterface
    public interface MessageHandler {

        /**
         * One complete message (its remaining bytes; may be empty). The buffer is valid only during this call and
         * must not be modified: copy what you need to keep. Throwing propagates out of
         * {@link Reader#onData}, which resets the duplex; a {@link MalformedDataException} (e.g. from decoding the
         * message) is moreover remembered like a framing error and passed to {@link #onClose}.
         */
        void onMessage(ByteBuffer message);

        /** The remote half-closed exactly at a message boundary: no more messages will arrive. */
        default void onEnd() {
        }

        /**
         * The reader is finished: {@code cause} is null after a clean close of the duplex; otherwise the duplex's
         * reset or failure, or the {@link MalformedDataException} that described bad framing (an oversized or
         * non-minimal length prefix, or a stream that ended inside a message). Called at most once, last.
         */
        default void onClose(@Nullable Throwable cause) {
        }
    }

    /**
     * A {@link DuplexReader} that reassembles length-prefixed messages from arbitrarily split chunks and calls its
     * {@link MessageHandler} once per message, in order.
     *
     * <p><b>Bounds.</b> A length prefix declaring more than {@code maxMessageSize} bytes fails as soon as the
     * prefix is read (or as soon as its first bytes prove it too large), before any of the body is buffered. The
     * reader never allocates from a length it has not checked; its buffers hold at most
     * {@code maxMessageSize + 10} bytes and grow only as bytes actually arrive. A message that lies wholly inside
     * one chunk is handed on without copying.
     *
     * <p><b>Errors.</b> Bad framing makes {@link #onData} throw a {@link MalformedDataException}; by the
     * {@link DuplexReader} contract the duplex then resets. The reader remembers the failure and reports it to the
     * handler's {@link MessageHandler#onClose} when the duplex calls {@link #onClose} (the duplex's own cause is
     * attached as suppressed), and refuses any later data. If the remote half-closes inside a message (a partial
     * length prefix or body), the handler gets {@code onClose} with a {@link MalformedDataException} at once
     * instead of {@code onEnd}; the reader cannot reset the duplex itself, so a handler that wants to abort the
     * stream does that there. A later {@code onClose} from the duplex is then not passed on again.
     *
     * <p><b>Threading.</b> Not thread-safe; the duplex calls it on its executor only. One instance per duplex.
     */
    public static final class Reader implements DuplexReader {

        /** Prefix bytes kept at most: one more than the longest legal varint, so overlong prefixes are seen. */
        private static final int PREFIX_CAPACITY = Varint.MAX_LENGTH + 1;
        private static final int INITIAL_BODY_CAPACITY = 256;
        /** Bodies buffered in an array larger than this do not keep the array for the next message. */
        private static final int RETAINED_BODY_CAPACITY = 8192;

        private final int maxMessageSize;
        private final MessageHandler handler;

        private final byte[] prefix = new byte[PREFIX_CAPACITY];
        private int prefixLength;
        /** Declared length of the message being read, or -1 while the prefix is incomplete. */
        private int bodyLength = -1;
        private byte[] body = new byte[0];
        private int bodyFilled;
        private @Nullable MalformedDataException failure;
        private boolean closed;

        /**
         * @param maxMessageSize the largest accepted message body, in bytes
         * @param handler receives the messages
         * @throws IllegalArgumentException if {@code maxMessageSize} is negative
         */
        public Reader(int maxMessageSize, MessageHandler handler) {
            if (maxMessageSize < 0) {
                throw new IllegalArgumentException("maxMessageSize must not be negative: " + maxMessageSize);
            }
            this.maxMessageSize = maxMessageSize;
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The largest accepted message body. */
        public int maxMessageSize() {
            return maxMessageSize;
        }

        /** True while part of a message (prefix or body) has been received but not yet the whole of it. */
        public boolean hasPartialMessage() {
            return prefixLength > 0 || bodyLength >= 0;
        }

        /**
         * Decodes the chunk, calling the handler for each message it completes.
         *
         * @throws MalformedDataException on bad framing, or if the reader already failed or the stream ended
         */
        @Override
        public void onData(ByteBuffer data) {
            MalformedDataException failed = failure;
            if (failed != null) {
                throw new MalformedDataException("length-prefixed reader already failed: " + failed.getMessage(),
                        failed);
            }
            if (closed) {
                throw new MalformedDataException("length-prefixed reader received " + data.remaining()
                        + " byte(s) after the stream ended");
            }
            ByteBuffer in = data.duplicate();
            try {
                while (in.hasRemaining()) {
                    if (bodyLength < 0) {
                        readPrefixByte(in.get());
                        if (bodyLength == 0) {
                            deliver(ByteBuffer.allocate(0));
                        }
                    } else {
                        readBody(in);
                    }
                }
            } catch (MalformedDataException e) {
                failure = e;
                throw e;
            }
        }

        private void readPrefixByte(byte b) {
            prefix[prefixLength++] = b;
            if ((b & 0x80) != 0) {
                // A minimal varint with k continuation bytes is at least 2^(7k): fail as soon as that exceeds the
                // limit, without waiting for the rest of the prefix (non-minimal prefixes are invalid anyway). As
                // the limit is an int, this fails by the fifth byte, well before the array fills.
                if ((1L << (7 * prefixLength)) > maxMessageSize) {
                    throw new MalformedDataException("message length prefix " + hex(prefix, prefixLength)
                            + "... declares more than the limit of " + maxMessageSize + " bytes");
                }
                return;
            }
            long declared = Varint.decode(Arrays.copyOf(prefix, prefixLength));
            if (declared > maxMessageSize) {
                throw new MalformedDataException("message length " + declared + " exceeds the limit of "
                        + maxMessageSize + " bytes");
            }
            prefixLength = 0;
            bodyLength = (int) declared;
            bodyFilled = 0;
        }

        private void readBody(ByteBuffer in) {
            if (bodyFilled == 0 && in.remaining() >= bodyLength) {
                ByteBuffer message = in.slice();
                message.limit(bodyLength);
                in.position(in.position() + bodyLength);
                deliver(message);
                return;
            }
            int take = Math.min(in.remaining(), bodyLength - bodyFilled);
            ensureBodyCapacity(bodyFilled + take);
            in.get(body, bodyFilled, take);
            bodyFilled += take;
            if (bodyFilled == bodyLength) {
                ByteBuffer message = ByteBuffer.wrap(body, 0, bodyLength);
                if (body.length > RETAINED_BODY_CAPACITY) {
                    body = new byte[0];
                }
                deliver(message);
            }
        }

        /** Grows geometrically with the bytes received, never beyond the checked declared length. */
        private void ensureBodyCapacity(int needed) {
            if (needed <= body.length) {
                return;
            }
            long doubled = Math.max(INITIAL_BODY_CAPACITY, 2L * body.length);
            int capacity = (int) Math.min(bodyLength, Math.max(needed, doubled));
            body = Arrays.copyOf(body, capacity);
        }

        private void deliver(ByteBuffer message) {
            bodyLength = -1;
            bodyFilled = 0;
            handler.onMessage(message);
        }

        @Override
        public void onEnd() {
            if (closed || failure != null) {
                return;
            }
            if (hasPartialMessage()) {
                String where = bodyLength >= 0
                        ? "after " + bodyFilled + " of " + bodyLength + " message byte(s)"
                        : "inside a length prefix (" + hex(prefix, prefixLength) + ")";
                closed = true;
                handler.onClose(new MalformedDataException("stream ended " + where));
                return;
            }
            handler.onEnd();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (closed) {
                return;
            }
            closed = true;
            MalformedDataException failed = failure;
            if (failed != null) {
                if (cause != null && cause != failed) {
                    failed.addSuppressed(cause);
                }
                handler.onClose(failed);
            } else {
                handler.onClose(cause);
            }
        }

        private static String hex(byte[] bytes, int length) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.append(String.format("%02x", bytes[i] & 0xff));
            }
            return text.toString();
        }
    }
}
