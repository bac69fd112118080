package io.meshwork.libp2p.pubsub.internal.router;

/**
 * Counters of the router since start, for the shell and metrics: what was received, delivered and forwarded, and
 * every kind of drop.
 */
public record RouterStats(int peers, int seenIds, int cachedMessages, int pendingValidations, long published,
        long received, long delivered, long forwarded, long duplicates, long rejected, long ignored, long invalid,
        long notSubscribed, long selfOrigin, long validationThrottled, long graylisted, long ihaveDropped,
        long iwantServed, long brokenPromises, long graftsInBackoff, long subscriptionsDropped) {

    /** Mutable counters owned by the router thread. */
    static final class Counters {
        long published;
        long received;
        long delivered;
        long forwarded;
        long duplicates;
        long rejected;
        long ignored;
        long invalid;
        long notSubscribed;
        long selfOrigin;
        long validationThrottled;
        long graylisted;
        long ihaveDropped;
        long iwantServed;
        long brokenPromises;
        long graftsInBackoff;
        long subscriptionsDropped;

        RouterStats snapshot(int peers, int seen, int cached, int pending) {
            return new RouterStats(peers, seen, cached, pending, published, received, delivered, forwarded,
                    duplicates, rejected, ignored, invalid, notSubscribed, selfOrigin, validationThrottled,
                    graylisted, ihaveDropped, iwantServed, brokenPromises, graftsInBackoff, subscriptionsDropped);
        }
    }
}
