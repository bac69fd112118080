package io.meshwork.libp2p.holepunch.internal.dcutr;

/**
 * Who initiates multistream-select, Noise and Yamux on a hole-punched TCP connection, where both sides called
 * {@code connect()}. The spec fixes it: A (the side that dialed through the relay, DCUtR responder) is the client,
 * B (the inbound side of the relayed connection, DCUtR initiator) the server. go-libp2p before v0.41 had them the
 * other way round, and current go, as B, switches to the client role on its third attempt to reach those peers.
 * With {@code swapOnLastAttempt} both our sides do the same on attempt 3, so we agree with each other on every
 * attempt, with current go on every attempt and with old go on the last one.
 */
public final class Roles {

    public static final int SWAP_ATTEMPT = 3;

    private Roles() {
    }

    /** Whether the side acts as the client (initiator above TCP) on {@code attempt} (1-based). */
    public static boolean isClient(boolean dcutrInitiator, int attempt, boolean swapOnLastAttempt) {
        boolean client = !dcutrInitiator;
        return swapOnLastAttempt && attempt >= SWAP_ATTEMPT ? !client : client;
    }
}
