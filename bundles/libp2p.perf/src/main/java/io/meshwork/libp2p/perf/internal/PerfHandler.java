package io.meshwork.libp2p.perf.internal;

import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /perf/1.0.0} server. Per stream: reads the 8-byte request header (however it is split across
 * chunks), drains and counts the upload without keeping it, and once the client has half-closed sends the
 * requested number of bytes from one shared read-only zero-filled buffer, with a bounded number of writes in
 * flight, then half-closes. Requests above {@code max_download_bytes}, streams that end inside the header and
 * streams beyond {@code max_concurrent_streams} are reset (logged at INFO).
 *
 * <p>Not enabled on limited (relayed) connections: it does not set {@link StreamHandler#ALLOW_LIMITED}.
 *
 * <p><b>Threading.</b> {@link #handle} runs on the stream's executor and only sets a reader; every step of a
 * stream (reading, sending, closing) then runs on that stream's executor, with no thread and no timer per stream
 * and nothing blocking. The only shared state is the set of live streams (concurrent), which is reset when the
 * component is deactivated (bundle stopped, configuration changed).
 */
@Component(configurationPid = PerfHandler.PID, property = StreamHandler.PROTOCOL + "=" + PerfProtocol.ID)
@Designate(ocd = PerfHandlerConfig.class)
public final class PerfHandler implements StreamHandler {

    static final String PID = "io.meshwork.libp2p.perf";

    private static final Logger LOG = LoggerFactory.getLogger(PerfHandler.class);

    private final long maxDownload;
    private final int maxConcurrent;
    private final int maxOutstanding;
    private final ByteBuffer payload;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Duplex> live = ConcurrentHashMap.newKeySet();

    @Activate
    public PerfHandler(PerfHandlerConfig config) {
        this(config.max_download_bytes(), config.max_concurrent_streams(), config.write_size_bytes(),
                config.max_outstanding_writes());
    }

    PerfHandler(long maxDownload, int maxConcurrent, int writeSize, int maxOutstanding) {
        this.maxDownload = Math.max(0, maxDownload);
        this.maxConcurrent = Math.max(1, maxConcurrent);
        int size = PerfProtocol.writeSize(writeSize);
        this.maxOutstanding = PerfProtocol.outstandingWrites(size, maxOutstanding);
        if (size != writeSize || this.maxOutstanding != maxOutstanding) {
            LOG.warn("perf server: using {} writes of {} bytes in flight instead of {} of {} (limits: {} to {} bytes"
                    + " per write, {} bytes in flight)", this.maxOutstanding, size, maxOutstanding, writeSize,
                    PerfProtocol.MIN_WRITE_SIZE, PerfProtocol.MAX_WRITE_SIZE, PerfProtocol.MAX_IN_FLIGHT_BYTES);
        }
        this.payload = PerfProtocol.payload(size);
        LOG.info("Serving {} (downloads up to {} bytes, {} streams at a time); only enable perf on trusted networks",
                PerfProtocol.ID, this.maxDownload, this.maxConcurrent);
    }

    @Override
    public void handle(Stream stream) {
        serve(stream, stream.connection().remotePeer() + " (stream " + stream.id() + ")");
    }

    /** Serves one perf stream; {@code who} names the client in logs. Called on the duplex's executor. */
    void serve(Duplex duplex, String who) {
        if (active.incrementAndGet() > maxConcurrent) {
            active.decrementAndGet();
            LOG.info("Refusing {} from {}: already serving {} perf streams (max.concurrent.streams)", PerfProtocol.ID,
                    who, maxConcurrent);
            duplex.reset();
            return;
        }
        live.add(duplex);
        duplex.setReader(new Session(duplex, who));
    }

    /** Streams being served now. */
    int active() {
        return active.get();
    }

    @Deactivate
    void deactivate() {
        if (!live.isEmpty()) {
            LOG.info("perf server stopping: resetting {} stream(s)", live.size());
        }
        live.forEach(Duplex::reset);
        live.clear();
    }

    /** One stream's state. Confined to the stream's executor. */
    private final class Session implements DuplexReader {
        private final Duplex duplex;
        private final String who;
        private final byte[] header = new byte[PerfProtocol.HEADER_BYTES];
        private int headerFilled;
        /** Requested download (unsigned), valid once the header is complete. */
        private long requested;
        private long uploaded;
        private boolean refused;
        private boolean finished;
        private @Nullable BulkSender sender;
        private final long startNanos = System.nanoTime();

        Session(Duplex duplex, String who) {
            this.duplex = duplex;
            this.who = who;
        }

        @Override
        public void onData(ByteBuffer data) {
            if (refused) {
                return;
            }
            if (headerFilled < PerfProtocol.HEADER_BYTES) {
                int n = Math.min(PerfProtocol.HEADER_BYTES - headerFilled, data.remaining());
                data.get(header, headerFilled, n);
                headerFilled += n;
                if (headerFilled < PerfProtocol.HEADER_BYTES) {
                    return;
                }
                requested = ByteBuffer.wrap(header).getLong();
                if (Long.compareUnsigned(requested, maxDownload) > 0) {
                    refuse("it asks for " + Long.toUnsignedString(requested) + " bytes; max.download.bytes is "
                            + maxDownload);
                    return;
                }
            }
            // Drained: only counted, never kept (the buffer is only valid during this call anyway).
            uploaded += data.remaining();
        }

        @Override
        public void onEnd() {
            if (refused) {
                return;
            }
            if (headerFilled < PerfProtocol.HEADER_BYTES) {
                refuse("it half-closed after " + headerFilled + " of the " + PerfProtocol.HEADER_BYTES
                        + " header bytes");
                return;
            }
            LOG.debug("perf {}: received {} bytes, sending {}", who, uploaded, requested);
            if (requested == 0) {
                closeWrite();
                return;
            }
            BulkSender s = new BulkSender(duplex, payload, maxOutstanding, requested);
            sender = s;
            s.start().whenComplete((v, e) -> {
                if (e == null) {
                    closeWrite();
                } else {
                    LOG.debug("perf {}: sending failed after {} of {} bytes: {}", who, s.acknowledged(), requested,
                            e.toString());
                    duplex.reset();
                }
            });
        }

        private void closeWrite() {
            duplex.closeWrite().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.debug("perf {}: half-close failed: {}", who, e.toString());
                    duplex.reset();
                }
            });
        }

        private void refuse(String reason) {
            refused = true;
            LOG.info("Resetting {} stream from {}: {}", PerfProtocol.ID, who, reason);
            duplex.reset();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (finished) {
                return;
            }
            finished = true;
            live.remove(duplex);
            active.decrementAndGet();
            if (LOG.isDebugEnabled()) {
                BulkSender s = sender;
                LOG.debug("perf {} {} after {} ms: received {} bytes, sent {} of {}{}", who,
                        cause == null ? "finished" : "failed", (System.nanoTime() - startNanos) / 1_000_000,
                        uploaded, s == null ? 0 : s.acknowledged(), Long.toUnsignedString(requested),
                        cause == null ? "" : ": " + cause);
            }
        }
    }
}
