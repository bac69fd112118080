package io.meshwork.libp2p.core.internal.multistream;

import io.meshwork.libp2p.api.host.Libp2pException;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link MultistreamNegotiator} on a {@link Duplex}: the reader installed for the negotiation. All state is
 * touched on the duplex's executor only; see {@link MultistreamNegotiator#initiate} for the contract.
 */
final class DuplexNegotiation implements DuplexReader {

    private static final Logger LOG = LoggerFactory.getLogger(DuplexNegotiation.class);

    private final Duplex duplex;
    private final MultistreamNegotiator negotiator;
    private final CompletableFuture<Negotiated> result = new CompletableFuture<>();
    private boolean finished;

    DuplexNegotiation(Duplex duplex, MultistreamNegotiator negotiator) {
        this.duplex = duplex;
        this.negotiator = negotiator;
    }

    CompletableFuture<Negotiated> result() {
        return result;
    }

    /** On the executor: take over reading and send the opening messages. */
    void begin() {
        try {
            duplex.setReader(this);
            ByteBuffer opening = negotiator.start();
            if (opening.hasRemaining()) {
                write(opening);
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onData(ByteBuffer data) {
        if (finished) {
            // Reading was paused when the negotiation finished, so the duplex should hold this for the next
            // reader; failing loudly (which resets the duplex) beats dropping application data.
            throw new IllegalStateException("received " + data.remaining() + " byte(s) after the multistream "
                    + "negotiation finished, before the next reader was set, although reading was paused");
        }
        MultistreamNegotiator.Step step;
        try {
            step = negotiator.onData(data);
        } catch (Libp2pException e) {
            fail(e);
            return;
        }
        if (step.output().hasRemaining()) {
            write(step.output());
        }
        Negotiated negotiated = step.result();
        if (negotiated != null) {
            finished = true;
            duplex.pauseReading();
            result.complete(negotiated);
        }
    }

    @Override
    public void onEnd() {
        if (!finished) {
            fail(negotiator.failureOnEnd());
        }
    }

    @Override
    public void onClose(@Nullable Throwable cause) {
        if (!finished) {
            fail(new DuplexClosedException("duplex closed during multistream-select negotiation as "
                    + negotiator.role(), cause));
        }
    }

    private void write(ByteBuffer bytes) {
        duplex.write(bytes).whenComplete((ignored, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                duplex.executor().execute(() -> fail(cause));
            }
        });
    }

    private void fail(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        result.completeExceptionally(cause);
        duplex.reset();
    }

    /** See {@link MultistreamNegotiator#handOver}; runs on the executor. */
    static void handOver(Duplex duplex, Negotiated negotiated, DuplexReader next) {
        duplex.setReader(next);
        ByteBuffer leftover = negotiated.leftover();
        if (leftover.hasRemaining()) {
            try {
                next.onData(leftover.duplicate());
            } catch (RuntimeException e) {
                LOG.warn("reader for {} failed on the {} byte(s) that followed negotiation; resetting the duplex",
                        negotiated.protocol(), leftover.remaining(), e);
                duplex.reset();
                return;
            }
        }
        duplex.resumeReading();
    }
}
