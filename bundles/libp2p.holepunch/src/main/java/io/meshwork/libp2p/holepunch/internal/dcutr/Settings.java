package io.meshwork.libp2p.holepunch.internal.dcutr;

/**
 * Timers and limits of DCUtR, from the component configuration.
 *
 * @param maxAttempts       CONNECT/SYNC rounds the initiator runs before giving up (spec: 3)
 * @param streamTimeoutMillis time for opening the stream and for each message
 * @param dialTimeoutMillis time for the direct connection to come about after SYNC
 * @param swapOnLastAttempt see {@link Roles}
 * @param reversalTimeoutMillis time for connection reversal (B dials A's public addresses directly before the first
 *                          round); 0 turns it off
 */
public record Settings(int maxAttempts, long streamTimeoutMillis, long dialTimeoutMillis,
                       boolean swapOnLastAttempt, long reversalTimeoutMillis) {

    public Settings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        reversalTimeoutMillis = Math.max(0, reversalTimeoutMillis);
    }

    /** Without connection reversal. */
    public Settings(int maxAttempts, long streamTimeoutMillis, long dialTimeoutMillis, boolean swapOnLastAttempt) {
        this(maxAttempts, streamTimeoutMillis, dialTimeoutMillis, swapOnLastAttempt, 0);
    }

    public static Settings defaults() {
        return new Settings(3, 60_000, 10_000, true, 5_000);
    }
}
