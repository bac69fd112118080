package io.meshwork.libp2p.relay.internal.proto;

import org.jspecify.annotations.Nullable;

/** A message on the stop protocol. {@code status} is the wire code (0 when absent). */
public record StopMessage(Type type, @Nullable RelayPeer peer, @Nullable Limit limit, int status) {

    public enum Type { CONNECT, STATUS }

    public static StopMessage connect(RelayPeer peer, @Nullable Limit limit) {
        return new StopMessage(Type.CONNECT, peer, limit, 0);
    }

    public static StopMessage status(RelayStatus status) {
        return new StopMessage(Type.STATUS, null, null, status.code());
    }

    public String statusName() {
        return RelayStatus.nameOf(status);
    }
}
