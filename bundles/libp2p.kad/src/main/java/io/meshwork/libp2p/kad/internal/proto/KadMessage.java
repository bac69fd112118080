package io.meshwork.libp2p.kad.internal.proto;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One DHT RPC message, request or response:
 * {@code Message { MessageType type = 1; bytes key = 2; Record record = 3; repeated Peer closerPeers = 8;
 * repeated Peer providerPeers = 9; }}. Arrays are not copied: treat them as immutable.
 */
public record KadMessage(Type type, byte[] key, @Nullable KadRecord record, List<KadPeer> closerPeers,
        List<KadPeer> providerPeers) {

    public KadMessage {
        closerPeers = List.copyOf(closerPeers);
        providerPeers = List.copyOf(providerPeers);
    }

    /** A request of {@code type} for {@code key}, without peers or record. */
    public static KadMessage request(Type type, byte[] key) {
        return new KadMessage(type, key, null, List.of(), List.of());
    }

    /** The message types, numbered as on the wire. */
    public enum Type {
        PUT_VALUE, GET_VALUE, ADD_PROVIDER, GET_PROVIDERS, FIND_NODE, PING;

        /** The type numbered {@code value} on the wire, or null for an unknown number. */
        public static @Nullable Type of(long value) {
            Type[] all = values();
            return value >= 0 && value < all.length ? all[(int) value] : null;
        }
    }

    /** {@code Record { bytes key = 1; bytes value = 2; string timeReceived = 5; }} */
    public record KadRecord(byte[] key, byte[] value, String timeReceived) {
    }

    /**
     * {@code Peer { bytes id = 1; repeated bytes addrs = 2; ConnectionType connection = 3; }}, kept as bytes: the
     * engine decides what to do with IDs and addresses it cannot parse.
     */
    public record KadPeer(byte[] id, List<byte[]> addrs, int connection) {

        public static final int NOT_CONNECTED = 0;
        public static final int CONNECTED = 1;

        public KadPeer {
            addrs = List.copyOf(addrs);
        }
    }
}
