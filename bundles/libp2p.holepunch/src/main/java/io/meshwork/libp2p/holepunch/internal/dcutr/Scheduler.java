package io.meshwork.libp2p.holepunch.internal.dcutr;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Runs tasks later: a real timer in the bundle, virtual time in tests. */
public interface Scheduler {

    /** Runs {@code task} after {@code delayMillis} (≤ 0: as soon as possible); the handle cancels it. */
    Cancellable schedule(Runnable task, long delayMillis);

    interface Cancellable {
        void cancel();
    }

    /** {@code stage}, failed with a {@link TimeoutException} naming {@code what} if not done within the time. */
    default <T> CompletableFuture<T> within(CompletionStage<T> stage, long millis, Supplier<String> what) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Cancellable timeout = schedule(() -> out.completeExceptionally(new TimeoutException(what.get()
                + " timed out after " + millis + " ms")), millis);
        stage.whenComplete((v, e) -> {
            timeout.cancel();
            if (e == null) {
                out.complete(v);
            } else {
                out.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e);
            }
        });
        return out;
    }
}
