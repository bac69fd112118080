package io.meshwork.libp2p.daemon.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.ContentRouting;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.ValueStore;
import io.meshwork.libp2p.daemon.internal.proto.ControlRequest;
import io.meshwork.libp2p.daemon.internal.proto.ControlResponse;
import io.meshwork.libp2p.daemon.internal.proto.DaemonCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Answers DHT requests through the routing services ({@link PeerRouting}, {@link ContentRouting}, {@link ValueStore};
 * each may be absent, then its requests get a clear ERROR). An answer is a list of messages to send, each
 * varint-framed, then the control connection closes:
 * <ul>
 * <li>FIND_PEER: {@code Response{OK, dht{VALUE, peer}}}; GET_VALUE and GET_PUBLIC_KEY:
 * {@code Response{OK, dht{VALUE, value}}}; PUT_VALUE and PROVIDE: {@code Response{OK}};</li>
 * <li>FIND_PROVIDERS (streaming): {@code Response{OK, dht{BEGIN}}}, one {@code DHTResponse{VALUE, peer}} per
 * provider, {@code DHTResponse{END}};</li>
 * <li>GET_CLOSEST_PEERS, FIND_PEERS_CONNECTED_TO_PEER, SEARCH_VALUE: ERROR (the routing API has no such
 * operation).</li>
 * </ul>
 */
final class DhtRequests {

    static final String UNAVAILABLE = "DHT not available in this build";
    /** Providers returned when FIND_PROVIDERS names no count. */
    static final int DEFAULT_PROVIDERS = 20;
    /** Providers returned at most, whatever the count asked. */
    static final int MAX_PROVIDERS = 100;
    private static final int MAX_MULTIHASH = 128;

    /** What to send: {@code ok} tells the metrics whether it is an error; each message gets its own frame. */
    record Answer(boolean ok, List<byte[]> messages) {
        Answer {
            messages = List.copyOf(messages);
        }

        static Answer of(ControlResponse response) {
            return new Answer(response.ok(), List.of(DaemonCodec.encode(response)));
        }
    }

    private final Supplier<@Nullable PeerRouting> peerRouting;
    private final Supplier<@Nullable ContentRouting> contentRouting;
    private final Supplier<@Nullable ValueStore> values;
    private final boolean enabled;

    /** No DHT: every request answers {@link #UNAVAILABLE}. */
    DhtRequests() {
        this(() -> null, () -> null, () -> null, true);
    }

    DhtRequests(Supplier<@Nullable PeerRouting> peerRouting, Supplier<@Nullable ContentRouting> contentRouting,
                Supplier<@Nullable ValueStore> values, boolean enabled) {
        this.peerRouting = peerRouting;
        this.contentRouting = contentRouting;
        this.values = values;
        this.enabled = enabled;
    }

    CompletionStage<Answer> handle(ControlRequest.Dht request) {
        if (!enabled) {
            return error("DHT not enabled in this daemon (dht.enabled is false; p2pd flag -dht or -dhtServer)");
        }
        try {
            return switch (request.type()) {
                case ControlRequest.Dht.FIND_PEER -> findPeer(require(request.peer(), "FIND_PEER", "peer"));
                case ControlRequest.Dht.GET_PUBLIC_KEY -> publicKey(require(request.peer(), "GET_PUBLIC_KEY",
                        "peer"));
                case ControlRequest.Dht.GET_VALUE -> getValue(require(request.key(), "GET_VALUE", "key"));
                case ControlRequest.Dht.PUT_VALUE -> putValue(require(request.key(), "PUT_VALUE", "key"),
                        require(request.value(), "PUT_VALUE", "value"));
                case ControlRequest.Dht.PROVIDE -> provide(multihash(require(request.cid(), "PROVIDE", "cid")));
                case ControlRequest.Dht.FIND_PROVIDERS -> findProviders(
                        multihash(require(request.cid(), "FIND_PROVIDERS", "cid")), request.count());
                case ControlRequest.Dht.GET_CLOSEST_PEERS, ControlRequest.Dht.FIND_PEERS_CONNECTED_TO_PEER,
                        ControlRequest.Dht.SEARCH_VALUE -> error("DHT request " + name(request.type())
                        + " is not supported by this node");
                default -> error("unknown DHT request type " + request.type());
            };
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
    }

    private CompletionStage<Answer> findPeer(PeerId peer) {
        PeerRouting routing = peerRouting.get();
        if (routing == null) {
            return error(UNAVAILABLE);
        }
        return routing.findPeer(peer).thenApply(addrs -> ok(DaemonCodec.encodeDhtResponse(VALUE,
                new ControlResponse.PeerInfo(peer, addrs), null)));
    }

    private CompletionStage<Answer> publicKey(PeerId peer) {
        if (peer.publicKey().isPresent()) {
            return CompletableFuture.completedFuture(ok(DaemonCodec.encodeDhtResponse(VALUE, null,
                    peer.publicKey().get().marshal())));
        }
        byte[] prefix = "/pk/".getBytes(StandardCharsets.US_ASCII);
        byte[] id = peer.bytes();
        byte[] key = Arrays.copyOf(prefix, prefix.length + id.length);
        System.arraycopy(id, 0, key, prefix.length, id.length);
        return getValue(key);
    }

    private CompletionStage<Answer> getValue(byte[] key) {
        ValueStore store = values.get();
        if (store == null) {
            return error(UNAVAILABLE);
        }
        return store.get(key, 1).thenApply(value -> ok(DaemonCodec.encodeDhtResponse(VALUE, null, value)));
    }

    private CompletionStage<Answer> putValue(byte[] key, byte[] value) {
        ValueStore store = values.get();
        if (store == null) {
            return error(UNAVAILABLE);
        }
        return store.put(key, value).thenApply(n -> Answer.of(ControlResponse.okEmpty()));
    }

    private CompletionStage<Answer> provide(byte[] key) {
        ContentRouting routing = contentRouting.get();
        if (routing == null) {
            return error(UNAVAILABLE);
        }
        return routing.provide(key).thenApply(n -> Answer.of(ControlResponse.okEmpty()));
    }

    private CompletionStage<Answer> findProviders(byte[] key, int count) {
        ContentRouting routing = contentRouting.get();
        if (routing == null) {
            return error(UNAVAILABLE);
        }
        int max = count <= 0 ? DEFAULT_PROVIDERS : Math.min(count, MAX_PROVIDERS);
        return routing.findProviders(key, max).thenApply(providers -> {
            List<byte[]> messages = new ArrayList<>();
            messages.add(okWithDht(DaemonCodec.encodeDhtResponse(BEGIN, null, null)));
            for (PeerInfo p : providers.subList(0, Math.min(max, providers.size()))) {
                messages.add(DaemonCodec.encodeDhtResponse(VALUE,
                        new ControlResponse.PeerInfo(p.peer(), p.addresses()), null));
            }
            messages.add(DaemonCodec.encodeDhtResponse(END, null, null));
            return new Answer(true, messages);
        });
    }

    /**
     * The multihash of a CID: a CIDv0 is a sha2-256 multihash itself; a CIDv1 is {@code varint(1) varint(codec)
     * multihash}. The DHT keys content by multihash, as js-libp2p and go-libp2p do.
     */
    static byte[] multihash(byte[] cid) {
        if (cid.length == 34 && cid[0] == 0x12 && cid[1] == 0x20) {
            return cid.clone();
        }
        int[] pos = {0};
        long version = varint(cid, pos);
        if (version != 1) {
            throw new IllegalArgumentException("invalid CID: version " + version + " (only CIDv0 and CIDv1)");
        }
        varint(cid, pos); // codec
        int start = pos[0];
        varint(cid, pos); // hash function
        long length = varint(cid, pos);
        if (length != cid.length - pos[0] || cid.length - start > MAX_MULTIHASH) {
            throw new IllegalArgumentException("invalid CID: the multihash length does not match");
        }
        return Arrays.copyOfRange(cid, start, cid.length);
    }

    private static long varint(byte[] in, int[] pos) {
        try {
            Varint.Decoded d = Varint.decode(in, pos[0]);
            pos[0] += d.length();
            return d.value();
        } catch (MalformedDataException e) {
            throw new IllegalArgumentException("invalid CID: " + e.getMessage(), e);
        }
    }

    private static final int BEGIN = 0;
    private static final int VALUE = 1;
    private static final int END = 2;

    private static Answer ok(byte[] dhtResponse) {
        return new Answer(true, List.of(okWithDht(dhtResponse)));
    }

    /** {@code Response{type OK, dht}}: field 1 = 0, field 5 = the DHTResponse. */
    private static byte[] okWithDht(byte[] dhtResponse) {
        return DaemonCodec.encodeOkWithDht(dhtResponse);
    }

    private static CompletionStage<Answer> error(String message) {
        return CompletableFuture.completedFuture(Answer.of(ControlResponse.error(message)));
    }

    private static <T> T require(@Nullable T part, String type, String field) {
        if (part == null) {
            throw new IllegalArgumentException("DHT " + type + " request without its " + field + " field");
        }
        return part;
    }

    private static String name(int type) {
        return switch (type) {
            case ControlRequest.Dht.GET_CLOSEST_PEERS -> "GET_CLOSEST_PEERS";
            case ControlRequest.Dht.FIND_PEERS_CONNECTED_TO_PEER -> "FIND_PEERS_CONNECTED_TO_PEER";
            case ControlRequest.Dht.SEARCH_VALUE -> "SEARCH_VALUE";
            default -> Integer.toString(type);
        };
    }
}
