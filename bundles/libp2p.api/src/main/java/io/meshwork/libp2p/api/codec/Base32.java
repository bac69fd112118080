package io.meshwork.libp2p.api.codec;

/**
 * Base32 with the RFC 4648 alphabet, lower case and without padding, as multibase uses it (prefix
 * {@code 'b'}). Decoding also accepts upper case, but rejects padding, characters outside the alphabet,
 * impossible lengths and non-zero trailing bits, so every accepted string has exactly one byte sequence and
 * re-encodes to itself (modulo case). Stateless and thread-safe.
 */
public final class Base32 {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private Base32() {
    }

    /** Encodes {@code data} in lower case without padding. */
    public static String encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET[(buffer >>> bits) & 0x1f]);
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 0x1f]);
        }
        return out.toString();
    }

    /**
     * Decodes unpadded base32 in either case.
     *
     * @throws MalformedDataException on padding, a character outside the alphabet, a length no encoding has, or
     *         non-zero bits after the last full byte
     */
    public static byte[] decode(String text) {
        int leftoverBits = text.length() * 5 % 8;
        if (leftoverBits >= 5) {
            throw new MalformedDataException("base32 string of " + text.length()
                    + " characters has an impossible length (no byte sequence encodes to it)");
        }
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int value = valueOf(c);
            if (value < 0) {
                if (c == '=') {
                    throw new MalformedDataException("base32 padding '=' is not allowed (index " + i + ")");
                }
                throw new MalformedDataException("invalid base32 character " + Base58.describe(c) + " at index " + i);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (buffer >>> bits);
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new MalformedDataException("base32 string has non-zero trailing bits in its last character (index "
                    + (text.length() - 1) + ")");
        }
        return out;
    }

    private static int valueOf(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return c - '2' + 26;
        }
        return -1;
    }
}
