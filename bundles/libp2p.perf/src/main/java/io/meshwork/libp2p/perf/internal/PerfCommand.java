package io.meshwork.libp2p.perf.internal;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gogo command {@code libp2p:perf <multiaddr> <upload> <download>}: runs one {@code /perf/1.0.0} measurement
 * against a peer and prints one line, e.g. {@code upload 268435456 B in 0.412 s = 651.2 MB/s; download 268435456 B
 * in 0.380 s = 706.4 MB/s (connect 3.1 ms, stream open 0.4 ms)} (MB = 10^6 bytes). Sizes are bytes or, as text,
 * {@code 64KiB}, {@code 256MiB}, {@code 1GiB}, {@code 100MB} (see {@link ByteSizes}).
 *
 * <p><b>Threading.</b> The shell's thread waits for the result, bounded by {@code timeout_seconds}; the run itself
 * happens on the stream's executor ({@link PerfClient}). On timeout or interruption the run is cancelled, which
 * resets its stream. Failures come back as one readable line, never a stack trace.
 */
@Component(service = PerfCommand.class, configurationPid = PerfCommand.PID, property = {
    "osgi.command.scope=libp2p",
    "osgi.command.function=perf"
})
@Designate(ocd = PerfCommandConfig.class)
public final class PerfCommand {

    static final String PID = "io.meshwork.libp2p.perf.command";

    private static final Logger LOG = LoggerFactory.getLogger(PerfCommand.class);

    private final Host host;
    private final PerfClient client;
    private final long timeoutSeconds;

    @Activate
    public PerfCommand(@Reference Host host, PerfCommandConfig config) {
        this(host, new PerfClient(config.write_size_bytes(), config.max_outstanding_writes()),
                config.timeout_seconds());
    }

    PerfCommand(Host host, PerfClient client, long timeoutSeconds) {
        this.host = host;
        this.client = client;
        this.timeoutSeconds = Math.max(1, timeoutSeconds);
    }

    /** Sizes as text: {@code perf /ip4/.../p2p/12D3... 256MiB 1GiB}. */
    public String perf(String multiaddr, String upload, String download) {
        long up;
        long down;
        try {
            up = ByteSizes.parse(upload);
            down = ByteSizes.parse(download);
        } catch (IllegalArgumentException e) {
            return "Bad size: " + e.getMessage();
        }
        return perf(multiaddr, up, down);
    }

    /** Sizes in bytes: {@code perf /ip4/.../p2p/12D3... 268435456 268435456}. */
    public String perf(String multiaddr, long uploadBytes, long downloadBytes) {
        if (uploadBytes < 0 || downloadBytes < 0) {
            return "Bad size: sizes must not be negative";
        }
        Multiaddr target;
        try {
            target = Multiaddr.parse(multiaddr.trim());
        } catch (IllegalArgumentException e) {
            return "Not a multiaddr: " + e.getMessage();
        }
        if (target.peerId().isEmpty()) {
            return "Not a full address: " + target + " must end in /p2p/<peer-id>";
        }
        CompletableFuture<PerfResult> run;
        try {
            run = client.run(host, target, uploadBytes, downloadBytes).toCompletableFuture();
        } catch (RuntimeException e) {
            LOG.debug("perf {} could not start", target, e);
            return "Perf failed: " + PerfClient.reason(e);
        }
        try {
            PerfResult result = run.get(timeoutSeconds, TimeUnit.SECONDS);
            LOG.debug("perf {}: {}", target, result);
            return result.toString();
        } catch (ExecutionException e) {
            LOG.debug("perf {} failed", target, e);
            return "Perf failed: " + PerfClient.reason(e);
        } catch (TimeoutException e) {
            run.cancel(false);
            return "Perf failed: no result within " + timeoutSeconds + " s (timeout.seconds); the stream was reset";
        } catch (InterruptedException e) {
            run.cancel(false);
            Thread.currentThread().interrupt();
            return "Interrupted; the stream was reset";
        }
    }
}
