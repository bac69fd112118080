package io.meshwork.libp2p.perf.internal;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes as people type them: {@code 1048576}, {@code 64KiB}, {@code 256MiB}, {@code 1GiB},
 * {@code 1.5GiB}, {@code 100MB}, {@code 10 kB}. Binary units (KiB, MiB, GiB, TiB; also K, M, G, T) are powers of
 * 1024; decimal units (kB, MB, GB, TB) are powers of 1000; {@code B} or no unit means bytes. Units are not case
 * sensitive. Stateless.
 */
final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    private ByteSizes() {
    }

    /**
     * @return the size in bytes
     * @throws IllegalArgumentException with a readable message if {@code text} is not a size, is fractional in
     *     bytes or exceeds 2^63-1
     */
    static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 1048576, 64KiB, 256MiB, 1GiB,"
                    + " 100MB)");
        }
        long unit = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "k", "ki", "kib" -> 1L << 10;
            case "m", "mi", "mib" -> 1L << 20;
            case "g", "gi", "gib" -> 1L << 30;
            case "t", "ti", "tib" -> 1L << 40;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            default -> throw new IllegalArgumentException("unknown unit '" + m.group(2) + "' in '" + text
                    + "' (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)");
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes up to 2^63-1");
        }
    }
}
