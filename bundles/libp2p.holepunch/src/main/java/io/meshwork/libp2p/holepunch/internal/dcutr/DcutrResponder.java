package io.meshwork.libp2p.holepunch.internal.dcutr;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * DCUtR on A, the side that dialed through the relay: takes B's CONNECT, answers with its own addresses, and on
 * SYNC dials B's addresses at once. {@code attempt} counts the DCUtR streams B opened on this relayed connection
 * (1 for the first), which decides the role above TCP (see {@link Roles}). One instance per stream.
 */
public final class DcutrResponder {

    private final Punch punch;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Settings settings;

    public DcutrResponder(Punch punch, Scheduler scheduler, Clock clock, Settings settings) {
        this.punch = punch;
        this.scheduler = scheduler;
        this.clock = clock;
        this.settings = settings;
    }

    /** Runs one round on {@code ch}; the stage completes (never exceptionally) when it is over. */
    public CompletionStage<Outcome> handle(MessageChannel ch, int attempt) {
        long started = clock.millis();
        long timeout = settings.streamTimeoutMillis();
        boolean asClient = Roles.isClient(false, attempt, settings.swapOnLastAttempt());
        CompletableFuture<Outcome> out = new CompletableFuture<>();
        List<Multiaddr> own = punch.ownAddresses();
        scheduler.within(ch.receive(), timeout, () -> "waiting for CONNECT")
                .thenCompose(connect -> {
                    if (connect.type() != HolePunch.Type.CONNECT) {
                        throw new CompletionException(new IllegalStateException("expected CONNECT, got "
                                + connect.type()));
                    }
                    if (connect.observedAddrs().isEmpty()) {
                        throw new CompletionException(new IllegalStateException(
                                "the peer sent no addresses in CONNECT"));
                    }
                    if (own.isEmpty()) {
                        throw new CompletionException(new IllegalStateException(
                                "we know none of our own external addresses"));
                    }
                    return scheduler.within(ch.send(HolePunch.connect(own)), timeout, () -> "sending CONNECT")
                            .thenCompose(v -> scheduler.within(ch.receive(), timeout, () -> "waiting for SYNC"))
                            .thenCompose(sync -> {
                                if (sync.type() != HolePunch.Type.SYNC) {
                                    throw new CompletionException(new IllegalStateException("expected SYNC, got "
                                            + sync.type()));
                                }
                                ch.close();
                                return scheduler.within(punch.dial(connect.observedAddrs(), asClient),
                                        settings.dialTimeoutMillis(), () -> "the direct dial");
                            });
                })
                .whenComplete((ok, e) -> {
                    long elapsed = clock.millis() - started;
                    if (e != null) {
                        ch.reset();
                        boolean direct = punch.directConnected();
                        out.complete(new Outcome(direct, attempt, elapsed, List.of(),
                                direct ? null : DcutrInitiator.message(e)));
                    } else {
                        boolean success = ok || punch.directConnected();
                        out.complete(new Outcome(success, attempt, elapsed, List.of(),
                                success ? null : "no direct connection"));
                    }
                });
        return out;
    }
}
