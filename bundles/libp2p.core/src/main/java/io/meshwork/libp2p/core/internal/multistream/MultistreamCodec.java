package io.meshwork.libp2p.core.internal.multistream;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The multistream-select 1.0 message format: {@code uvarint(n) ‖ UTF-8 text ‖ '\n'}, where {@code n} counts the
 * newline and is at most {@value #MAX_MESSAGE_LENGTH} (go-multistream's limit). For example the header is
 * {@code 13 "/multistream/1.0.0\n"} and a refusal {@code 03 "na\n"}.
 */
public final class MultistreamCodec {

    /** The protocol id both sides send first. */
    public static final String PROTOCOL_ID = "/multistream/1.0.0";
    /** The responder's refusal of a proposal. */
    public static final String NA = "na";
    /** The optional list request; answered with {@link #NA} (go-multistream no longer answers it either). */
    public static final String LS = "ls";
    /** Largest message, length prefix excluded, newline included. */
    public static final int MAX_MESSAGE_LENGTH = 1024;

    private MultistreamCodec() {
    }

    /** Encodes {@code messages} back to back into one buffer (for a single pipelined write). */
    public static ByteBuffer encode(String... messages) {
        return encode(Arrays.asList(messages));
    }

    /**
     * Encodes {@code messages} back to back into one buffer.
     *
     * @throws IllegalArgumentException if a message is not a valid protocol message, see {@link #checkMessage}
     */
    public static ByteBuffer encode(List<String> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String message : messages) {
            byte[] text = checkMessage(message);
            byte[] prefix = Varint.encode(text.length + 1L);
            out.writeBytes(prefix);
            out.writeBytes(text);
            out.write('\n');
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /**
     * Checks that {@code protocol} can be proposed: non-empty, well-formed Unicode, no newline, at most
     * {@code MAX_MESSAGE_LENGTH - 1} UTF-8 bytes, and neither {@code na} nor {@code ls}.
     *
     * @throws IllegalArgumentException if it cannot
     */
    public static void checkProtocolId(String protocol) {
        if (protocol.isEmpty() || protocol.equals(NA) || protocol.equals(LS)) {
            throw new IllegalArgumentException("invalid protocol id " + MultistreamException.quote(protocol));
        }
        checkMessage(protocol);
    }

    /** The UTF-8 bytes of {@code message}, after checking it fits in one message and has no newline. */
    private static byte[] checkMessage(String message) {
        if (message.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("multistream message must not contain a newline: "
                    + MultistreamException.quote(message));
        }
        byte[] text;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(message));
            text = new byte[encoded.remaining()];
            encoded.get(text);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("multistream message is not well-formed Unicode: "
                    + MultistreamException.quote(message), e);
        }
        if (text.length + 1 > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("multistream message of " + (text.length + 1)
                    + " bytes exceeds the limit of " + MAX_MESSAGE_LENGTH + ": " + MultistreamException.quote(message));
        }
        return text;
    }

    /**
     * Reads messages incrementally from chunks, consuming exactly the bytes of each message so that whatever
     * follows the last one wanted stays in the chunk. Buffers at most one partial message
     * ({@value #MAX_MESSAGE_LENGTH} + 2 bytes). Not thread-safe.
     */
    public static final class Decoder {

        /** Length prefixes of messages up to 1024 bytes take at most two bytes. */
        private static final int MAX_PREFIX_LENGTH = 2;

        private final byte[] buffer = new byte[MAX_MESSAGE_LENGTH + MAX_PREFIX_LENGTH];
        private int filled;
        /** Length of the message being read, or -1 while its prefix is incomplete. */
        private int length = -1;

        /**
         * Consumes the bytes of the next message from {@code in} and returns its text without the newline, or
         * returns null after consuming all of {@code in} without completing a message (the part read is kept).
         *
         * @throws MultistreamException if the bytes do not form a valid message
         */
        public @Nullable String next(ByteBuffer in) throws MultistreamException {
            while (in.hasRemaining()) {
                if (length < 0) {
                    readPrefixByte(in.get());
                } else {
                    int take = Math.min(in.remaining(), length - filled);
                    in.get(buffer, filled, take);
                    filled += take;
                    if (filled == length) {
                        String message = text();
                        filled = 0;
                        length = -1;
                        return message;
                    }
                }
            }
            return null;
        }

        private void readPrefixByte(byte b) throws MultistreamException {
            buffer[filled++] = b;
            if ((b & 0x80) != 0) {
                if (filled >= MAX_PREFIX_LENGTH) {
                    // A minimal varint with two continuation bytes is at least 2^14.
                    throw new MultistreamException("message length prefix " + received()
                            + " declares more than the limit of " + MAX_MESSAGE_LENGTH + " bytes");
                }
                return;
            }
            long declared;
            try {
                declared = Varint.decode(Arrays.copyOf(buffer, filled));
            } catch (MalformedDataException e) {
                throw new MultistreamException("invalid message length prefix " + received() + ": " + e.getMessage(),
                        e);
            }
            if (declared > MAX_MESSAGE_LENGTH) {
                throw new MultistreamException("message length " + declared + " exceeds the limit of "
                        + MAX_MESSAGE_LENGTH + " bytes (prefix " + received() + ")");
            }
            if (declared == 0) {
                throw new MultistreamException("empty message: length 0 leaves no room for the trailing newline");
            }
            length = (int) declared;
            filled = 0;
        }

        private String text() throws MultistreamException {
            if (buffer[length - 1] != '\n') {
                throw new MultistreamException("message does not end with a newline: " + received());
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buffer, 0, length - 1))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new MultistreamException("message is not valid UTF-8: " + received(), e);
            }
        }

        /** True if part of a message has been read. */
        public boolean hasPartial() {
            return filled > 0 || length >= 0;
        }

        /** What has been read of the current message, for an error message (quoted, or "nothing"). */
        public String describePartial() {
            if (!hasPartial()) {
                return "nothing of a next message";
            }
            return length < 0 ? "length prefix " + received()
                    : filled + " of " + length + " bytes: " + received();
        }

        private String received() {
            return MultistreamException.quote(ByteBuffer.wrap(buffer, 0, filled));
        }
    }
}
