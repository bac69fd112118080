package io.meshwork.libp2p.holepunch.internal.dcutr;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a hole punch ended.
 *
 * @param success  a direct connection exists
 * @param attempts CONNECT/SYNC rounds run (0 if a direct connection existed before the first)
 * @param elapsedMillis from the start to the end, by the state machine's clock
 * @param rttsMillis the round-trip time measured in each round (initiator only)
 * @param failure  why it failed, null on success
 * @param reversed the direct connection came from connection reversal (B dialed A's public address), no round ran
 */
public record Outcome(boolean success, int attempts, long elapsedMillis, List<Long> rttsMillis,
                      @Nullable String failure, boolean reversed) {

    public Outcome {
        rttsMillis = List.copyOf(rttsMillis);
    }

    public Outcome(boolean success, int attempts, long elapsedMillis, List<Long> rttsMillis,
                   @Nullable String failure) {
        this(success, attempts, elapsedMillis, rttsMillis, failure, false);
    }
}
