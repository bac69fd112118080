package io.meshwork.libp2p.holepunch.internal.autonat;

import io.meshwork.libp2p.api.nat.Reachability;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;

/**
 * The client's verdict from dial-back answers: of the last {@code 2n-1} decisive answers (OK or E_DIAL_ERROR;
 * refusals say nothing about us), {@code n} OKs make us public and {@code n} errors private; otherwise the state stays.
 * Starts {@link Reachability#UNKNOWN}. Thread-safe (one monitor); the listener runs outside it.
 */
public final class ReachabilityTracker {

    private final int threshold;
    private final ArrayDeque<Boolean> recent = new ArrayDeque<>();
    private final BiConsumer<Reachability, Reachability> onChange;
    private Reachability state = Reachability.UNKNOWN;

    public ReachabilityTracker(int threshold, BiConsumer<Reachability, Reachability> onChange) {
        this.threshold = Math.max(1, threshold);
        this.onChange = onChange;
    }

    public void record(AutoNatMessage.Status status) {
        if (status != AutoNatMessage.Status.OK && status != AutoNatMessage.Status.E_DIAL_ERROR) {
            return;
        }
        Reachability before;
        Reachability after;
        synchronized (this) {
            recent.addLast(status == AutoNatMessage.Status.OK);
            while (recent.size() > 2 * threshold - 1) {
                recent.removeFirst();
            }
            long ok = recent.stream().filter(b -> b).count();
            long error = recent.size() - ok;
            before = state;
            if (ok >= threshold) {
                state = Reachability.PUBLIC;
            } else if (error >= threshold) {
                state = Reachability.PRIVATE;
            }
            after = state;
        }
        if (before != after) {
            onChange.accept(before, after);
        }
    }

    public synchronized Reachability state() {
        return state;
    }
}
