package io.meshwork.libp2p.holepunch.internal.dcutr;

/**
 * Timers and limits of DCUtR, from the component configuration.
 *
 * @param maxAttempts       CONNECT/SYNC rounds the initiator runs before giving up (spec: 3)
 * @param streamTimeoutMillis time for opening the stream and for each message
 * @param dialTimeoutMillis time for the direct connection to come about after SYNC
 * @param swapOnLastAttempt see {@link Roles}
 */
public record Settings(int maxAttempts, long streamTimeoutMillis, long dialTimeoutMillis,
                       boolean swapOnLastAttempt) {

    public Settings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    public static Settings defaults() {
        return new Settings(3, 60_000, 10_000, true);
    }
}
