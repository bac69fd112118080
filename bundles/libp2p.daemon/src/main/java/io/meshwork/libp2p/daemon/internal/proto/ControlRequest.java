package io.meshwork.libp2p.daemon.internal.proto;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A control request ({@code Request}). {@code type} is the wire code (see {@link Type}); unknown codes are kept so
 * the daemon can answer them with an error. Only the sub-message matching the type is normally present.
 */
public record ControlRequest(int type, @Nullable Connect connect, @Nullable StreamOpen streamOpen,
                             @Nullable StreamHandler streamHandler, @Nullable Dht dht, @Nullable PeerId disconnect,
                             @Nullable PubSub pubsub) {

    /** Request types and their wire codes. */
    public enum Type {
        IDENTIFY(0), CONNECT(1), STREAM_OPEN(2), STREAM_HANDLER(3), DHT(4), LIST_PEERS(5), CONNMANAGER(6),
        DISCONNECT(7), PUBSUB(8), PEERSTORE(9);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        /** The type with this code, or null for an unknown code. */
        public static @Nullable Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    public ControlRequest {
        if (type < 0) {
            throw new IllegalArgumentException("negative request type " + type);
        }
    }

    public static ControlRequest of(Type type) {
        return new ControlRequest(type.code, null, null, null, null, null, null);
    }

    public static ControlRequest connect(PeerId peer, List<Multiaddr> addrs, long timeoutSeconds) {
        return new ControlRequest(Type.CONNECT.code, new Connect(peer, addrs, timeoutSeconds), null, null, null, null,
                null);
    }

    public static ControlRequest streamOpen(PeerId peer, List<String> protocols, long timeoutSeconds) {
        return new ControlRequest(Type.STREAM_OPEN.code, null, new StreamOpen(peer, protocols, timeoutSeconds), null,
                null, null, null);
    }

    public static ControlRequest streamHandler(Multiaddr addr, List<String> protocols) {
        return new ControlRequest(Type.STREAM_HANDLER.code, null, null, new StreamHandler(addr, protocols), null,
                null, null);
    }

    public static ControlRequest disconnect(PeerId peer) {
        return new ControlRequest(Type.DISCONNECT.code, null, null, null, null, peer, null);
    }

    public static ControlRequest pubsub(PubSub request) {
        return new ControlRequest(Type.PUBSUB.code, null, null, null, null, null, request);
    }

    public static ControlRequest dht(Dht request) {
        return new ControlRequest(Type.DHT.code, null, null, null, request, null, null);
    }

    /** The known type, or null. */
    public @Nullable Type knownType() {
        return Type.of(type);
    }

    /** {@code ConnectRequest}: timeout in seconds, 0 when absent. */
    public record Connect(PeerId peer, List<Multiaddr> addrs, long timeoutSeconds) {
        public Connect {
            addrs = List.copyOf(addrs);
        }
    }

    /** {@code StreamOpenRequest}: timeout in seconds, 0 when absent. */
    public record StreamOpen(PeerId peer, List<String> protocols, long timeoutSeconds) {
        public StreamOpen {
            protocols = List.copyOf(protocols);
        }
    }

    /** {@code StreamHandlerRequest}: where the client listens, and the protocols to hand to it. */
    public record StreamHandler(Multiaddr addr, List<String> protocols) {
        public StreamHandler {
            protocols = List.copyOf(protocols);
        }
    }

    /** {@code PSRequest}. */
    public record PubSub(int type, @Nullable String topic, byte @Nullable [] data) {

        public static final int GET_TOPICS = 0;
        public static final int LIST_PEERS = 1;
        public static final int PUBLISH = 2;
        public static final int SUBSCRIBE = 3;

        public PubSub {
            data = data == null ? null : data.clone();
        }

        @Override
        public byte @Nullable [] data() {
            return data == null ? null : data.clone();
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof PubSub p && p.type == type && Objects.equals(p.topic, topic)
                    && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, topic, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "PubSub[type=" + type + ", topic=" + topic + ", data=" + (data == null ? "none" : data.length + " bytes")
                    + "]";
        }
    }

    /**
     * {@code DHTRequest}, decoded field by field for the routing adapter. Byte fields are kept as given (the key
     * of a record, a CID, a value).
     */
    public record Dht(int type, @Nullable PeerId peer, byte @Nullable [] cid, byte @Nullable [] key,
                      byte @Nullable [] value, int count, long timeoutSeconds) {

        public static final int FIND_PEER = 0;
        public static final int FIND_PEERS_CONNECTED_TO_PEER = 1;
        public static final int FIND_PROVIDERS = 2;
        public static final int GET_CLOSEST_PEERS = 3;
        public static final int GET_PUBLIC_KEY = 4;
        public static final int GET_VALUE = 5;
        public static final int SEARCH_VALUE = 6;
        public static final int PUT_VALUE = 7;
        public static final int PROVIDE = 8;

        public Dht {
            cid = cid == null ? null : cid.clone();
            key = key == null ? null : key.clone();
            value = value == null ? null : value.clone();
        }

        @Override
        public byte @Nullable [] cid() {
            return cid == null ? null : cid.clone();
        }

        @Override
        public byte @Nullable [] key() {
            return key == null ? null : key.clone();
        }

        @Override
        public byte @Nullable [] value() {
            return value == null ? null : value.clone();
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Dht d && d.type == type && Objects.equals(d.peer, peer) && Arrays.equals(d.cid, cid)
                    && Arrays.equals(d.key, key) && Arrays.equals(d.value, value) && d.count == count
                    && d.timeoutSeconds == timeoutSeconds;
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, peer, Arrays.hashCode(cid), Arrays.hashCode(key), Arrays.hashCode(value), count,
                    timeoutSeconds);
        }

        @Override
        public String toString() {
            return "Dht[type=" + type + ", peer=" + peer + "]";
        }
    }
}
