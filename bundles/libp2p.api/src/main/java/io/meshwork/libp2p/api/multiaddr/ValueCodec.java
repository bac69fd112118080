package io.meshwork.libp2p.api.multiaddr;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Multibase;
import io.meshwork.libp2p.api.codec.Multihash;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Converts protocol values between text and bytes and validates the binary form. Each kind is a bijection
 * between valid binary values and their canonical text, which is what lets a decoded address re-encode to the
 * same bytes. Stateless.
 */
enum ValueCodec {
    NONE {
        @Override
        byte[] parse(String text) {
            throw new AssertionError("protocols without a value have no text to parse");
        }

        @Override
        void validate(byte[] value) {
            if (value.length != 0) {
                throw new MalformedDataException("protocol takes no value");
            }
        }

        @Override
        String format(byte[] value) {
            return "";
        }
    },
    IP4 {
        @Override
        byte[] parse(String text) {
            return IpLiterals.parseIp4(text);
        }

        @Override
        void validate(byte[] value) {
            requireLength(value, 4);
        }

        @Override
        String format(byte[] value) {
            return IpLiterals.formatIp4(value, 0);
        }
    },
    IP6 {
        @Override
        byte[] parse(String text) {
            return IpLiterals.parseIp6(text);
        }

        @Override
        void validate(byte[] value) {
            requireLength(value, 16);
        }

        @Override
        String format(byte[] value) {
            return IpLiterals.formatIp6(value);
        }
    },
    PORT {
        @Override
        byte[] parse(String text) {
            if (text.isEmpty() || text.length() > 5) {
                throw new MalformedDataException("port must have 1 to 5 digits");
            }
            if (text.length() > 1 && text.charAt(0) == '0') {
                throw new MalformedDataException("port has a leading zero");
            }
            int port = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw new MalformedDataException("port has a non-digit at index " + i);
                }
                port = port * 10 + (c - '0');
            }
            if (port > 0xffff) {
                throw new MalformedDataException("port " + port + " exceeds 65535");
            }
            return new byte[] {(byte) (port >>> 8), (byte) port};
        }

        @Override
        void validate(byte[] value) {
            requireLength(value, 2);
        }

        @Override
        String format(byte[] value) {
            return Integer.toString(((value[0] & 0xff) << 8) | (value[1] & 0xff));
        }
    },
    /** IPv6 zone: non-empty UTF-8 without '/'. */
    ZONE {
        @Override
        byte[] parse(String text) {
            byte[] value = utf8(text);
            validate(value);
            return value;
        }

        @Override
        void validate(byte[] value) {
            requireName(value, "IPv6 zone", MAX_NAME_BYTES);
        }

        @Override
        String format(byte[] value) {
            return fromUtf8(value);
        }
    },
    /** DNS names (and SNI): non-empty UTF-8 without '/', at most 255 bytes as DNS allows. */
    DNS {
        @Override
        byte[] parse(String text) {
            byte[] value = utf8(text);
            validate(value);
            return value;
        }

        @Override
        void validate(byte[] value) {
            requireName(value, "DNS name", MAX_NAME_BYTES);
        }

        @Override
        String format(byte[] value) {
            return fromUtf8(value);
        }
    },
    /** Peer ID: binary multihash, text base58btc (CIDv1 accepted when parsing). */
    P2P {
        @Override
        byte[] parse(String text) {
            return PeerId.parse(text).bytes();
        }

        @Override
        void validate(byte[] value) {
            PeerId.fromBytes(value);
        }

        @Override
        String format(byte[] value) {
            return PeerId.fromBytes(value).toBase58();
        }
    },
    /** Certificate hash: binary multihash, text any supported multibase, rendered base64url like go. */
    CERTHASH {
        @Override
        byte[] parse(String text) {
            byte[] value = Multibase.decode(text);
            validate(value);
            return value;
        }

        @Override
        void validate(byte[] value) {
            Multihash.decode(value);
        }

        @Override
        String format(byte[] value) {
            return Multibase.encode(Multibase.Encoding.BASE64URL, value);
        }
    },
    /** Unix socket path: absolute, UTF-8, not just "/" and without a trailing '/', so text round-trips. */
    PATH {
        @Override
        byte[] parse(String text) {
            byte[] value = utf8(text);
            validate(value);
            return value;
        }

        @Override
        void validate(byte[] value) {
            if (value.length < 2 || value[0] != '/' || value[value.length - 1] == '/') {
                throw new MalformedDataException("path must start with '/', name something and not end with '/'");
            }
            fromUtf8(value);
        }

        @Override
        String format(byte[] value) {
            return fromUtf8(value);
        }
    };

    static final int MAX_NAME_BYTES = 255;

    /**
     * The binary value of {@code text}.
     *
     * @throws MalformedDataException if the text is not a valid value
     */
    abstract byte[] parse(String text);

    /**
     * Checks a binary value.
     *
     * @throws MalformedDataException if it is not valid
     */
    abstract void validate(byte[] value);

    /** The canonical text of a valid binary value. */
    abstract String format(byte[] value);

    private static void requireLength(byte[] value, int length) {
        if (value.length != length) {
            throw new MalformedDataException("value must be " + length + " bytes, not " + value.length);
        }
    }

    private static void requireName(byte[] value, String what, int maxBytes) {
        if (value.length == 0) {
            throw new MalformedDataException(what + " is empty");
        }
        if (value.length > maxBytes) {
            throw new MalformedDataException(what + " of " + value.length + " bytes exceeds " + maxBytes);
        }
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '/') {
                throw new MalformedDataException(what + " contains '/' at byte " + i);
            }
        }
        fromUtf8(value);
    }

    static byte[] utf8(String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new MalformedDataException("text is not valid Unicode (unpaired surrogate)", e);
        }
    }

    static String fromUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDataException("value is not valid UTF-8", e);
        }
    }
}
