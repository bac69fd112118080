package io.meshwork.libp2p.relay.internal.proto;

import org.jspecify.annotations.Nullable;

/** A message on the hop protocol. {@code status} is the wire code (0 when absent). */
public record HopMessage(Type type, @Nullable RelayPeer peer, @Nullable Reservation reservation,
                         @Nullable Limit limit, int status) {

    public enum Type { RESERVE, CONNECT, STATUS }

    public static HopMessage reserve() {
        return new HopMessage(Type.RESERVE, null, null, null, 0);
    }

    public static HopMessage connect(RelayPeer peer) {
        return new HopMessage(Type.CONNECT, peer, null, null, 0);
    }

    public static HopMessage status(RelayStatus status) {
        return new HopMessage(Type.STATUS, null, null, null, status.code());
    }

    /** The status name for messages, e.g. {@code NO_RESERVATION}. */
    public String statusName() {
        return RelayStatus.nameOf(status);
    }
}
