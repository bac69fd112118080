package io.meshwork.libp2p.perf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "268435456, 268435456",
        "17B, 17",
        "64KiB, 65536",
        "64kib, 65536",
        "256MiB, 268435456",
        "1GiB, 1073741824",
        "1.5GiB, 1610612736",
        "2TiB, 2199023255552",
        "1M, 1048576",
        "10kB, 10000",
        "100MB, 100000000",
        "1GB, 1000000000",
        "' 8 MiB ', 8388608",
        "9223372036854775807, 9223372036854775807",
    })
    void parses(String text, long bytes) {
        assertEquals(bytes, ByteSizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "-1", "1.5", "0.1KiB", "1 PiB", "1e6", "abc", "8388608TiB",
        "9223372036854775808"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(text));
        System.out.println("'" + text + "': " + e.getMessage());
    }
}
