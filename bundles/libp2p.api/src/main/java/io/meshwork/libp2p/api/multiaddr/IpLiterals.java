package io.meshwork.libp2p.api.multiaddr;

import io.meshwork.libp2p.api.codec.MalformedDataException;

/**
 * Strict IPv4 and IPv6 literal parsing and canonical formatting, written out so that no text ever reaches
 * {@code InetAddress.getByName} (which would fall back to a DNS lookup). Formatting matches go-multiaddr: IPv6 in
 * RFC 5952 style, IPv4-mapped IPv6 as {@code ::ffff:a.b.c.d}. Stateless.
 */
final class IpLiterals {

    private static final int MAX_IP6_TEXT = 45;

    private IpLiterals() {
    }

    /** Dotted quad, each part 0-255 in decimal without leading zeros. */
    static byte[] parseIp4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                if (part == 4) {
                    throw new MalformedDataException("IPv4 address has more than 4 parts");
                }
                out[part++] = (byte) parseOctet(text, start, i);
                start = i + 1;
            }
        }
        if (part != 4) {
            throw new MalformedDataException("IPv4 address must have 4 dot-separated parts, not " + part);
        }
        return out;
    }

    private static int parseOctet(String text, int start, int end) {
        int length = end - start;
        if (length == 0 || length > 3) {
            throw new MalformedDataException("IPv4 part at index " + start + " must have 1 to 3 digits");
        }
        if (length > 1 && text.charAt(start) == '0') {
            throw new MalformedDataException("IPv4 part at index " + start + " has a leading zero");
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedDataException("IPv4 address has a non-digit at index " + i);
            }
            value = value * 10 + (c - '0');
        }
        if (value > 255) {
            throw new MalformedDataException("IPv4 part at index " + start + " exceeds 255");
        }
        return value;
    }

    static String formatIp4(byte[] address, int offset) {
        return (address[offset] & 0xff) + "." + (address[offset + 1] & 0xff) + "." + (address[offset + 2] & 0xff)
                + "." + (address[offset + 3] & 0xff);
    }

    /**
     * Hex groups separated by colons, at most one {@code ::} standing for at least one zero group, optionally
     * ending in a dotted quad; no zone.
     */
    static byte[] parseIp6(String text) {
        if (text.isEmpty() || text.length() > MAX_IP6_TEXT) {
            throw new MalformedDataException("IPv6 address must have 1 to " + MAX_IP6_TEXT + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (hexValue(c) < 0 && c != ':' && c != '.') {
                throw new MalformedDataException("IPv6 address has an invalid character at index " + i);
            }
        }
        int ellipsis = text.indexOf("::");
        if (ellipsis >= 0 && text.indexOf("::", ellipsis + 1) >= 0) {
            throw new MalformedDataException("IPv6 address has more than one '::'");
        }
        byte[] out = new byte[16];
        if (ellipsis < 0) {
            if (parseGroups(text, 0, text.length(), true, out, 0) != 16) {
                throw new MalformedDataException("IPv6 address without '::' must have 8 groups");
            }
            return out;
        }
        byte[] head = new byte[16];
        byte[] tail = new byte[16];
        int headLength = parseGroups(text, 0, ellipsis, false, head, 0);
        int tailLength = parseGroups(text, ellipsis + 2, text.length(), true, tail, 0);
        if (headLength + tailLength > 14) {
            throw new MalformedDataException("IPv6 address has too many groups for '::' to stand for any");
        }
        System.arraycopy(head, 0, out, 0, headLength);
        System.arraycopy(tail, 0, out, 16 - tailLength, tailLength);
        return out;
    }

    /** Parses colon-separated groups of {@code text[start, end)} into {@code out}; returns the byte count. */
    private static int parseGroups(String text, int start, int end, boolean mayEndWithIp4, byte[] out, int offset) {
        if (start == end) {
            return 0;
        }
        int written = offset;
        int groupStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || text.charAt(i) == ':') {
                if (groupStart == i) {
                    throw new MalformedDataException("IPv6 address has an empty group at index " + i);
                }
                String group = text.substring(groupStart, i);
                if (group.indexOf('.') >= 0) {
                    if (i != end || !mayEndWithIp4 || written + 4 > 16) {
                        throw new MalformedDataException("IPv6 address has an embedded IPv4 part that is not at the end");
                    }
                    System.arraycopy(parseIp4(group), 0, out, written, 4);
                    written += 4;
                } else {
                    if (group.length() > 4) {
                        throw new MalformedDataException("IPv6 group at index " + groupStart
                                + " has more than 4 hex digits");
                    }
                    if (written + 2 > 16) {
                        throw new MalformedDataException("IPv6 address has more than 8 groups");
                    }
                    int value = 0;
                    for (int k = 0; k < group.length(); k++) {
                        value = (value << 4) | hexValue(group.charAt(k));
                    }
                    out[written++] = (byte) (value >>> 8);
                    out[written++] = (byte) value;
                }
                groupStart = i + 1;
            }
        }
        return written - offset;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static String formatIp6(byte[] address) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= address[i] == 0;
        }
        if (mapped && address[10] == (byte) 0xff && address[11] == (byte) 0xff) {
            return "::ffff:" + formatIp4(address, 12);
        }
        // The longest run of at least two zero groups becomes "::"; on a tie the first run wins.
        int bestStart = -1;
        int bestLength = 1;
        for (int group = 0; group < 8; ) {
            int run = 0;
            while (group + run < 8 && groupValue(address, group + run) == 0) {
                run++;
            }
            if (run > bestLength) {
                bestStart = group;
                bestLength = run;
            }
            group += Math.max(run, 1);
        }
        StringBuilder out = new StringBuilder(39);
        for (int group = 0; group < 8; group++) {
            if (group == bestStart) {
                out.append("::");
                group += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groupValue(address, group)));
        }
        return out.toString();
    }

    private static int groupValue(byte[] address, int group) {
        return ((address[2 * group] & 0xff) << 8) | (address[2 * group + 1] & 0xff);
    }
}
