package io.meshwork.libp2p.api.codec;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Multibase: a one-character prefix naming the encoding, followed by the encoded bytes. Only the encodings
 * libp2p uses are supported: base58btc (Peer IDs, CIDs), base32 (CIDv1 Peer IDs) and base64url (multiaddr
 * certificate hashes). Stateless and thread-safe.
 */
public final class Multibase {

    /** The supported encodings and their multibase prefixes. */
    public enum Encoding {
        /** base58btc, prefix {@code 'z'}. */
        BASE58BTC('z'),
        /** RFC 4648 base32, lower case, no padding, prefix {@code 'b'}. */
        BASE32('b'),
        /** RFC 4648 base32, upper case, no padding, prefix {@code 'B'}. */
        BASE32_UPPER('B'),
        /** RFC 4648 base64 with the URL-safe alphabet, no padding, prefix {@code 'u'}. */
        BASE64URL('u');

        private final char prefix;

        Encoding(char prefix) {
            this.prefix = prefix;
        }

        /** The multibase prefix character. */
        public char prefix() {
            return prefix;
        }

        /** The encoding with the given prefix, if supported. */
        public static Optional<Encoding> byPrefix(char prefix) {
            for (Encoding encoding : values()) {
                if (encoding.prefix == prefix) {
                    return Optional.of(encoding);
                }
            }
            return Optional.empty();
        }
    }

    private Multibase() {
    }

    /** Encodes {@code data} with {@code encoding} and prepends its prefix. */
    public static String encode(Encoding encoding, byte[] data) {
        switch (encoding) {
            case BASE58BTC:
                return encoding.prefix + Base58.encode(data);
            case BASE32:
                return encoding.prefix + Base32.encode(data);
            case BASE32_UPPER:
                return encoding.prefix + Base32.encode(data).toUpperCase(Locale.ROOT);
            case BASE64URL:
                return encoding.prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(data);
            default:
                throw new AssertionError("unhandled multibase encoding " + encoding);
        }
    }

    /**
     * The encoding a multibase string declares with its prefix.
     *
     * @throws MalformedDataException if the string is empty or the prefix is not supported
     */
    public static Encoding encodingOf(String text) {
        if (text.isEmpty()) {
            throw new MalformedDataException("empty multibase string has no prefix");
        }
        char prefix = text.charAt(0);
        return Encoding.byPrefix(prefix).orElseThrow(() -> new MalformedDataException(
                "unsupported multibase prefix " + Base58.describe(prefix)));
    }

    /**
     * Decodes a multibase string, dispatching on its prefix.
     *
     * @throws MalformedDataException if the prefix is missing or unsupported, or the payload is not valid in the
     *         declared encoding (including a case that the encoding does not allow)
     */
    public static byte[] decode(String text) {
        Encoding encoding = encodingOf(text);
        String payload = text.substring(1);
        switch (encoding) {
            case BASE58BTC:
                return Base58.decode(payload);
            case BASE32:
                requireCase(payload, false);
                return Base32.decode(payload);
            case BASE32_UPPER:
                requireCase(payload, true);
                return Base32.decode(payload);
            case BASE64URL:
                return decodeBase64Url(payload);
            default:
                throw new AssertionError("unhandled multibase encoding " + encoding);
        }
    }

    private static void requireCase(String payload, boolean upper) {
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (upper ? c >= 'a' && c <= 'z' : c >= 'A' && c <= 'Z') {
                throw new MalformedDataException("multibase " + (upper ? "base32upper" : "base32")
                        + " payload has a character of the wrong case at index " + (i + 1));
            }
        }
    }

    private static byte[] decodeBase64Url(String payload) {
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            boolean valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!valid) {
                throw new MalformedDataException("invalid base64url character " + Base58.describe(c)
                        + " at index " + (i + 1));
            }
        }
        if (payload.length() % 4 == 1) {
            throw new MalformedDataException("base64url payload of " + payload.length()
                    + " characters has an impossible length");
        }
        byte[] data = Base64.getUrlDecoder().decode(payload);
        // The JDK decoder ignores non-zero bits after the last byte; a canonical encoding has none.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(data).equals(payload)) {
            throw new MalformedDataException("base64url payload has non-zero trailing bits in its last character");
        }
        return data;
    }
}
