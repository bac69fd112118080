package io.meshwork.libp2p.perf.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * What one perf run measured (see {@link PerfClient} for where each duration starts and ends). Rates are in
 * MB/s with MB = 10^6 bytes (decimal, like iperf and the libp2p perf dashboards; 1 MB/s = 8 Mbit/s).
 *
 * @param uploadBytes bytes sent after the 8-byte header
 * @param downloadBytes bytes received
 * @param connect time to obtain the connection (near zero if one was already open)
 * @param streamOpen time to open the stream and negotiate {@code /perf/1.0.0}
 * @param upload from the first upload write until the server's first answer (its first byte, or its half-close
 *     when nothing was requested): the server only answers after it has read all of the upload
 * @param download from the end of the upload until the server's half-close; zero if nothing was requested
 */
public record PerfResult(long uploadBytes, long downloadBytes, Duration connect, Duration streamOpen,
        Duration upload, Duration download) {

    /** Upload throughput in MB/s (10^6 bytes per second); 0 if nothing was uploaded. */
    public double uploadMBps() {
        return rate(uploadBytes, upload);
    }

    /** Download throughput in MB/s (10^6 bytes per second); 0 if nothing was downloaded. */
    public double downloadMBps() {
        return rate(downloadBytes, download);
    }

    /** Connect, stream open, upload and download together. */
    public Duration total() {
        return connect.plus(streamOpen).plus(upload).plus(download);
    }

    private static double rate(long bytes, Duration time) {
        if (bytes == 0) {
            return 0;
        }
        return bytes / 1e6 / (Math.max(1, time.toNanos()) / 1e9);
    }

    /**
     * One line, e.g. {@code upload 268435456 B in 0.412 s = 651.2 MB/s; download 268435456 B in 0.380 s =
     * 706.4 MB/s (connect 3.1 ms, stream open 0.4 ms)}.
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "upload %d B in %.3f s = %.1f MB/s; download %d B in %.3f s = %.1f MB/s (connect %.1f ms,"
                        + " stream open %.1f ms)",
                uploadBytes, upload.toNanos() / 1e9, uploadMBps(), downloadBytes, download.toNanos() / 1e9,
                downloadMBps(), connect.toNanos() / 1e6, streamOpen.toNanos() / 1e6);
    }
}
