package io.meshwork.libp2p.holepunch.internal.dcutr;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * DCUtR on B, the inbound side of a relayed connection, which drives the protocol: per round it opens a stream,
 * sends CONNECT with its addresses and starts the RTT timer, takes A's CONNECT (the RTT is measured here), sends
 * SYNC, waits RTT/2 and dials A's addresses (A dials when SYNC arrives, so both SYNs cross the NATs at about the
 * same time). A round that ends without a direct connection is followed by a fresh one with a fresh RTT, up to
 * {@link Settings#maxAttempts()}. Before the first round (spec step 1, "connection reversal"), if A announced
 * public addresses in identify, B dials them directly as the client for up to {@link Settings#reversalTimeoutMillis()}:
 * when A is reachable after all (it dialed through the relay only because it did not know B's addresses, or B is
 * the one behind a NAT) no hole punch is needed; otherwise that dial is cancelled and the rounds follow. A stream
 * that cannot be opened because the peer does not speak DCUtR (the opener
 * fails with {@link UnsupportedOperationException}) ends it at once. Nothing here touches the relayed connection: on
 * failure it keeps working.
 *
 * <p>One instance runs one hole punch. Callbacks may arrive on any thread; the state is confined to the chain of
 * stages (one step at a time), so no locking is needed.
 */
public final class DcutrInitiator {

    private final Supplier<CompletionStage<MessageChannel>> openStream;
    private final Punch punch;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Settings settings;
    private final List<Long> rtts = new ArrayList<>();
    private final CompletableFuture<Outcome> result = new CompletableFuture<>();
    private long started;
    private boolean reversed;

    public DcutrInitiator(Supplier<CompletionStage<MessageChannel>> openStream, Punch punch, Scheduler scheduler,
                          Clock clock, Settings settings) {
        this.openStream = openStream;
        this.punch = punch;
        this.scheduler = scheduler;
        this.clock = clock;
        this.settings = settings;
    }

    /** Starts the hole punch; the stage completes (never exceptionally) when it is over. */
    public CompletionStage<Outcome> start() {
        started = clock.millis();
        if (punch.directConnected()) {
            finish(true, 0, null);
            return result;
        }
        List<Multiaddr> reversal = settings.reversalTimeoutMillis() > 0 ? punch.reversalAddresses() : List.of();
        if (reversal.isEmpty()) {
            afterReversal();
            return result;
        }
        CompletableFuture<Boolean> dial = punch.dial(reversal, true).toCompletableFuture();
        scheduler.within(dial, settings.reversalTimeoutMillis(), () -> "connection reversal").whenComplete((ok, e) -> {
            dial.cancel(true); // a dial still running must not hold the 4-tuple the rounds' dials use
            if ((e == null && Boolean.TRUE.equals(ok)) || punch.directConnected()) {
                reversed = true;
                finish(true, 0, null);
            } else {
                afterReversal();
            }
        });
        return result;
    }

    private void afterReversal() {
        if (punch.ownAddresses().isEmpty()) {
            finish(false, 0, "we know none of our own external addresses (no observed address yet)");
        } else {
            round(1);
        }
    }

    private void round(int attempt) {
        if (result.isDone()) {
            return;
        }
        List<Multiaddr> own = punch.ownAddresses();
        boolean asClient = Roles.isClient(true, attempt, settings.swapOnLastAttempt());
        long timeout = settings.streamTimeoutMillis();
        CompletableFuture<MessageChannel> opened = scheduler.within(openStream.get(), timeout,
                () -> "opening the DCUtR stream");
        opened.thenCompose(ch -> {
            long[] t0 = new long[1];
            t0[0] = clock.millis();
            return scheduler.within(ch.send(HolePunch.connect(own)), timeout, () -> "sending CONNECT")
                    .thenCompose(v -> scheduler.within(ch.receive(), timeout, () -> "waiting for CONNECT"))
                    .thenCompose(reply -> {
                        if (reply.type() != HolePunch.Type.CONNECT) {
                            throw new CompletionException(new IllegalStateException("expected CONNECT, got "
                                    + reply.type()));
                        }
                        List<Multiaddr> remote = reply.observedAddrs();
                        if (remote.isEmpty()) {
                            throw new CompletionException(new IllegalStateException(
                                    "the peer sent no addresses in CONNECT"));
                        }
                        long rtt = Math.max(0, clock.millis() - t0[0]);
                        rtts.add(rtt);
                        return scheduler.within(ch.send(HolePunch.sync()), timeout, () -> "sending SYNC")
                                .thenCompose(v -> {
                                    ch.close();
                                    CompletableFuture<Boolean> dialed = new CompletableFuture<>();
                                    scheduler.schedule(() -> scheduler.within(punch.dial(remote, asClient),
                                            settings.dialTimeoutMillis(), () -> "the direct dial")
                                            .whenComplete((ok, e) -> dialed.complete(e == null && ok)),
                                            rtt / 2);
                                    return dialed;
                                });
                    })
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            ch.reset();
                        }
                    });
        }).whenComplete((ok, e) -> {
            if (e == null && ok) {
                finish(true, attempt, null);
            } else if (punch.directConnected()) {
                finish(true, attempt, null);
            } else if (unwrap(e) instanceof UnsupportedOperationException) {
                finish(false, attempt, message(e)); // the peer does not speak DCUtR: retrying cannot help
            } else if (attempt >= settings.maxAttempts()) {
                finish(false, attempt, e == null ? "no direct connection after " + attempt + " attempts"
                        : "attempt " + attempt + ": " + message(e));
            } else {
                round(attempt + 1);
            }
        });
    }

    private void finish(boolean success, int attempts, String failure) {
        result.complete(new Outcome(success, attempts, clock.millis() - started, rtts, failure, reversed));
    }

    /** The message of {@code e}'s cause behind any CompletionException (its class name if it has none). */
    public static String message(Throwable e) {
        Throwable t = unwrap(e);
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
