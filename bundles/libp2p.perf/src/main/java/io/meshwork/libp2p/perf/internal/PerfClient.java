package io.meshwork.libp2p.perf.internal;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.ProtocolNotSupportedException;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.StreamResetException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /perf/1.0.0} client: one run connects, opens a perf stream, sends the 8-byte request header and the
 * upload (bounded number of writes in flight, from one shared zero-filled buffer), half-closes, then counts the
 * download until the server half-closes.
 *
 * <p><b>What is measured</b> ({@link System#nanoTime()}; see {@link PerfResult}):
 * <ul>
 *   <li>connect: {@link Host#connect(Multiaddr)}, near zero when a connection is already open;</li>
 *   <li>stream open: opening the stream and negotiating the protocol;</li>
 *   <li>upload: from the first write (header) until the server's first answer, i.e. its first download byte, or
 *       its half-close if nothing was requested. The server answers only after it has read everything up to our
 *       half-close, so this is the time until the server has <em>received</em> the upload (plus half a round trip),
 *       not merely until our last write was accepted by the local buffers;</li>
 *   <li>download: from there until the server's half-close.</li>
 * </ul>
 *
 * <p><b>Errors.</b> The stage fails with a {@link PerfException} whose {@link PerfException#step() step} and
 * message say which step failed (connect, open stream, upload, download) and why, with bytes done so far. A
 * download of a different size than requested is an error too.
 *
 * <p><b>Threading.</b> Stateless and thread-safe: each run's state is confined to its stream's executor (write
 * completions only hop onto it), no threads of its own, nothing blocks. Cancelling the returned stage (or
 * completing it exceptionally, e.g. by {@link CompletableFuture#orTimeout}) resets the stream.
 */
public final class PerfClient {

    /** The protocol id. */
    public static final String PROTOCOL = PerfProtocol.ID;

    private final ByteBuffer payload;
    private final int maxOutstanding;

    /** 64 KiB writes, at most 8 in flight. */
    public PerfClient() {
        this(PerfProtocol.DEFAULT_WRITE_SIZE, PerfProtocol.DEFAULT_MAX_OUTSTANDING_WRITES);
    }

    /**
     * @param writeSize bytes per upload write, clamped to 1 KiB..512 KiB
     * @param maxOutstandingWrites upload writes in flight, at least 1 and capped so that they stay within about
     *     1 MiB (a Yamux stream's default write queue)
     */
    public PerfClient(int writeSize, int maxOutstandingWrites) {
        int size = PerfProtocol.writeSize(writeSize);
        this.payload = PerfProtocol.payload(size);
        this.maxOutstanding = PerfProtocol.outstandingWrites(size, maxOutstandingWrites);
    }

    /**
     * Runs one perf measurement against {@code target} (a multiaddr ending in {@code /p2p/<peer-id>}).
     *
     * @param uploadBytes bytes to send, at least 0
     * @param downloadBytes bytes to ask for, at least 0
     */
    public CompletionStage<PerfResult> run(Host host, Multiaddr target, long uploadBytes, long downloadBytes) {
        checkSizes(uploadBytes, downloadBytes);
        Run run = new Run(uploadBytes, downloadBytes);
        long start = System.nanoTime();
        CompletionStage<Connection> connecting;
        try {
            connecting = host.connect(target);
        } catch (RuntimeException e) {
            connecting = CompletableFuture.failedFuture(e);
        }
        connecting.whenComplete((connection, e) -> {
            if (e != null) {
                run.fail(PerfException.Step.CONNECT, "to " + target + ": " + reason(e), e);
                return;
            }
            long connected = System.nanoTime();
            if (run.result.isDone()) {
                return;
            }
            connection.newStream(List.of(PROTOCOL)).whenComplete((stream, e2) -> {
                if (e2 != null) {
                    run.fail(PerfException.Step.OPEN_STREAM, "to " + connection.remotePeer() + ": " + reason(e2)
                            + (unwrap(e2) instanceof ProtocolNotSupportedException
                                    ? " (perf is off by default: the server needs the libp2p.perf bundle)"
                                    : ""), e2);
                    return;
                }
                run.begin(stream, connected - start, System.nanoTime() - connected);
            });
        });
        return run.result;
    }

    /**
     * Runs one measurement on an already negotiated perf stream (connect and stream open are reported as zero).
     * Takes the stream over: it is closed or reset when the run ends.
     */
    public CompletionStage<PerfResult> run(Stream stream, long uploadBytes, long downloadBytes) {
        checkSizes(uploadBytes, downloadBytes);
        Run run = new Run(uploadBytes, downloadBytes);
        run.begin(stream, 0, 0);
        return run.result;
    }

    private static void checkSizes(long uploadBytes, long downloadBytes) {
        if (uploadBytes < 0 || downloadBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative: upload " + uploadBytes + ", download "
                    + downloadBytes);
        }
    }

    /** One run. Fields other than the volatile ones are confined to the stream's executor. */
    private final class Run implements DuplexReader {
        final CompletableFuture<PerfResult> result = new CompletableFuture<>();
        private final long uploadBytes;
        private final long downloadBytes;
        private volatile @Nullable Stream stream;
        private volatile @Nullable BulkSender sender;
        private volatile long downloaded;
        private long connectNanos;
        private long openNanos;
        private long uploadStart;
        private long uploadEnd;
        /** The server's first answer (a download byte or its half-close) arrived: the upload is over. */
        private boolean answered;
        private boolean halfClosed;
        private boolean ended;

        Run(long uploadBytes, long downloadBytes) {
            this.uploadBytes = uploadBytes;
            this.downloadBytes = downloadBytes;
            result.whenComplete((r, e) -> {
                Stream s = stream;
                if (e != null && s != null) {
                    s.reset();
                }
            });
        }

        /** Any thread: takes the stream over and starts the transfer on its executor. */
        void begin(Stream s, long connectNanos, long openNanos) {
            stream = s;
            if (result.isDone()) {
                s.reset(); // cancelled meanwhile
                return;
            }
            this.connectNanos = connectNanos;
            this.openNanos = openNanos;
            try {
                s.executor().execute(() -> transfer(s));
            } catch (RejectedExecutionException e) {
                fail(PerfException.Step.UPLOAD, "the connection is closed", e);
            }
        }

        /** On the executor. */
        private void transfer(Stream s) {
            s.setReader(this);
            uploadStart = System.nanoTime();
            s.write(PerfProtocol.header(downloadBytes)).whenComplete((v, e) -> {
                if (e != null) {
                    fail(PerfException.Step.UPLOAD, "sending the header: " + reason(e), e);
                }
            });
            if (uploadBytes == 0) {
                closeWrite(s);
                return;
            }
            BulkSender upload = new BulkSender(s, payload, maxOutstanding, uploadBytes);
            sender = upload;
            upload.start().whenComplete((v, e) -> {
                if (e != null) {
                    failTransfer(e);
                } else {
                    closeWrite(s);
                }
            });
        }

        private void closeWrite(Stream s) {
            halfClosed = true;
            s.closeWrite().whenComplete((v, e) -> {
                if (e != null) {
                    fail(PerfException.Step.UPLOAD, "half-closing: " + reason(e), e);
                }
            });
        }

        @Override
        public void onData(ByteBuffer data) {
            int n = data.remaining();
            if (n == 0) {
                return;
            }
            if (!answered) {
                answered = true;
                uploadEnd = System.nanoTime();
            }
            long total = downloaded + n;
            downloaded = total;
            if (total > downloadBytes) {
                fail(PerfException.Step.DOWNLOAD, "the server sent more than the " + downloadBytes
                        + " bytes requested", null);
            }
        }

        @Override
        public void onEnd() {
            ended = true;
            long end = System.nanoTime();
            if (!halfClosed) {
                fail(PerfException.Step.UPLOAD, "the server half-closed before the upload was finished ("
                        + uploaded() + " of " + uploadBytes + " bytes)", null);
                return;
            }
            if (downloaded != downloadBytes) {
                fail(PerfException.Step.DOWNLOAD, "the server half-closed after " + downloaded + " of "
                        + downloadBytes + " bytes", null);
                return;
            }
            if (!answered) {
                answered = true;
                uploadEnd = end;
            }
            result.complete(new PerfResult(uploadBytes, downloadBytes, Duration.ofNanos(connectNanos),
                    Duration.ofNanos(openNanos), Duration.ofNanos(uploadEnd - uploadStart),
                    Duration.ofNanos(end - uploadEnd)));
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            if (cause != null) {
                failTransfer(cause);
            } else if (!result.isDone()) {
                // Closed cleanly without the server's half-close having produced a result (should not happen).
                failTransfer(new IllegalStateException("the stream closed"));
            }
        }

        /** A failure of the stream: attributed to the upload until the server's first answer. */
        private void failTransfer(Throwable e) {
            if (!answered && !ended) {
                String hint = unwrap(e) instanceof StreamResetException
                        ? " (perf servers reset requests above their max.download.bytes setting)"
                        : "";
                String progress = uploadBytes == 0 ? "" : "after " + uploaded() + " of " + uploadBytes + " bytes: ";
                fail(PerfException.Step.UPLOAD, progress + reason(e) + hint, e);
            } else {
                fail(PerfException.Step.DOWNLOAD, "after " + downloaded + " of " + downloadBytes + " bytes: "
                        + reason(e), e);
            }
        }

        private long uploaded() {
            BulkSender s = sender;
            return s == null ? 0 : s.acknowledged();
        }

        /** Any thread; the first failure wins, the stream is reset (see the constructor). */
        void fail(PerfException.Step step, String message, @Nullable Throwable cause) {
            result.completeExceptionally(new PerfException(step, message, cause == null ? null : unwrap(cause)));
        }
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String reason(Throwable e) {
        Throwable t = unwrap(e);
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
