package io.meshwork.libp2p.api.codec;

import java.util.Arrays;

/**
 * Base58 with the Bitcoin alphabet ({@code base58btc}), the legacy text form of libp2p Peer IDs. Each leading
 * zero byte maps to a leading {@code '1'} and back.
 *
 * <p>The conversion is quadratic in the input length, so {@link #decode(String)} refuses strings longer than
 * {@value #MAX_ENCODED_LENGTH} characters; everything libp2p encodes this way is far shorter. Stateless and
 * thread-safe.
 */
public final class Base58 {

    /** The longest string {@link #decode(String)} accepts. */
    public static final int MAX_ENCODED_LENGTH = 4096;

    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final int[] INDEXES = new int[128];

    static {
        Arrays.fill(INDEXES, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            INDEXES[ALPHABET.charAt(i)] = i;
        }
    }

    private Base58() {
    }

    /** Encodes {@code data}; the empty array encodes to the empty string. */
    public static String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // log(256) / log(58) < 1.37: enough base-58 digits for the non-zero part.
        int capacity = (data.length - zeros) * 137 / 100 + 1;
        byte[] digits = new byte[capacity];
        int used = 0;
        for (int i = zeros; i < data.length; i++) {
            int carry = data[i] & 0xff;
            int j = 0;
            for (; j < used || carry != 0; j++) {
                int k = capacity - 1 - j;
                carry += 256 * (digits[k] & 0xff);
                digits[k] = (byte) (carry % 58);
                carry /= 58;
            }
            used = j;
        }
        StringBuilder out = new StringBuilder(zeros + used);
        for (int i = 0; i < zeros; i++) {
            out.append('1');
        }
        for (int k = capacity - used; k < capacity; k++) {
            out.append(ALPHABET.charAt(digits[k]));
        }
        return out.toString();
    }

    /**
     * Decodes a base58btc string; the empty string decodes to the empty array.
     *
     * @throws MalformedDataException if the string is too long or holds a character outside the alphabet
     */
    public static byte[] decode(String text) {
        if (text.length() > MAX_ENCODED_LENGTH) {
            throw new MalformedDataException("base58 string of " + text.length() + " characters exceeds the limit of "
                    + MAX_ENCODED_LENGTH);
        }
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == '1') {
            zeros++;
        }
        // log(58) / log(256) < 0.733: enough bytes for the rest.
        int capacity = (text.length() - zeros) * 733 / 1000 + 1;
        byte[] bytes = new byte[capacity];
        int used = 0;
        for (int i = zeros; i < text.length(); i++) {
            char c = text.charAt(i);
            int digit = c < 128 ? INDEXES[c] : -1;
            if (digit < 0) {
                throw new MalformedDataException("invalid base58 character " + describe(c) + " at index " + i);
            }
            int carry = digit;
            int j = 0;
            for (; j < used || carry != 0; j++) {
                int k = capacity - 1 - j;
                carry += 58 * (bytes[k] & 0xff);
                bytes[k] = (byte) carry;
                carry >>>= 8;
            }
            used = j;
        }
        byte[] out = new byte[zeros + used];
        System.arraycopy(bytes, capacity - used, out, zeros, used);
        return out;
    }

    static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
