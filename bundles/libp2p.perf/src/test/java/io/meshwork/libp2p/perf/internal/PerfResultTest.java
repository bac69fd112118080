package io.meshwork.libp2p.perf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PerfResultTest {

    @Test
    void ratesAreInDecimalMegabytesPerSecond() {
        PerfResult r = new PerfResult(268_435_456, 268_435_456, Duration.ofNanos(3_100_000),
                Duration.ofNanos(400_000), Duration.ofMillis(412), Duration.ofMillis(380));
        assertEquals(268.435456 / 0.412, r.uploadMBps(), 1e-9);
        assertEquals(268.435456 / 0.380, r.downloadMBps(), 1e-9);
        assertEquals(Duration.ofNanos(3_100_000 + 400_000 + 412_000_000L + 380_000_000L), r.total());
        assertEquals("upload 268435456 B in 0.412 s = 651.5 MB/s; download 268435456 B in 0.380 s = 706.4 MB/s"
                + " (connect 3.1 ms, stream open 0.4 ms)", r.toString());
    }

    @Test
    void nothingTransferredIsZero() {
        PerfResult r = new PerfResult(0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        assertEquals(0, r.uploadMBps());
        assertEquals(0, r.downloadMBps());
        assertEquals("upload 0 B in 0.000 s = 0.0 MB/s; download 0 B in 0.000 s = 0.0 MB/s (connect 0.0 ms,"
                + " stream open 0.0 ms)", r.toString());
    }
}
