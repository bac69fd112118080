package io.meshwork.libp2p.core.internal.multistream;

import io.meshwork.libp2p.api.host.Libp2pException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The remote broke multistream-select 1.0: a message that is not the expected header, a bad length prefix, a
 * message without its trailing newline or longer than {@value MultistreamCodec#MAX_MESSAGE_LENGTH} bytes,
 * invalid UTF-8, an unexpected answer, too many proposals, or the end of the stream mid-negotiation. The message
 * quotes what was received, escaped and shortened.
 */
public class MultistreamException extends Libp2pException {

    private static final long serialVersionUID = 1L;
    /** Longest quote of received bytes, in characters before escaping. */
    static final int MAX_QUOTE = 64;

    public MultistreamException(String message) {
        super(message);
    }

    public MultistreamException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Renders received bytes for an error message: double-quoted, printable ASCII as is, {@code \n}, {@code \r},
     * {@code \t}, {@code \\} and {@code \"} escaped, other bytes as {@code \xNN}; cut after {@value #MAX_QUOTE}
     * bytes with {@code ...} and the total length.
     */
    public static String quote(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        int total = view.remaining();
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < Math.min(total, MAX_QUOTE); i++) {
            int b = view.get() & 0xff;
            switch (b) {
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '"':
                    out.append("\\\"");
                    break;
                default:
                    if (b >= 0x20 && b < 0x7f) {
                        out.append((char) b);
                    } else {
                        out.append(String.format("\\x%02x", b));
                    }
            }
        }
        out.append('"');
        if (total > MAX_QUOTE) {
            out.append("... (").append(total).append(" bytes)");
        }
        return out.toString();
    }

    /** {@link #quote(ByteBuffer)} of {@code bytes}. */
    public static String quote(byte[] bytes) {
        return quote(ByteBuffer.wrap(bytes));
    }

    /** {@link #quote(ByteBuffer)} of the UTF-8 encoding of {@code text}. */
    public static String quote(String text) {
        return quote(text.getBytes(StandardCharsets.UTF_8));
    }
}
