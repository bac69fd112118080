package io.meshwork.libp2p.kad.internal.proto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.KadPeer;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.KadRecord;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes {@link KadMessage}s. Decoding is bounded: keys, values, addresses and peer lists have limits
 * (well above what honest peers send), and anything malformed or over a limit fails with a
 * {@link MalformedDataException} saying what and where. Unknown fields (e.g. {@code clusterLevelRaw}) are skipped.
 * Stateless and thread-safe.
 */
public final class KadCodec {

    /** Largest frame read or written, as go-libp2p ({@code network.MessageSizeMax}). */
    public static final int MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
    public static final int MAX_KEY_LENGTH = 1024;
    public static final int MAX_VALUE_LENGTH = 64 * 1024;
    public static final int MAX_PEERS = 256;
    public static final int MAX_ADDRS_PER_PEER = 64;
    public static final int MAX_ADDR_LENGTH = Multiaddr.MAX_BYTES;
    public static final int MAX_PEER_ID_LENGTH = 128;
    public static final int MAX_TIME_LENGTH = 128;

    private KadCodec() {
    }

    public static byte[] encode(KadMessage message) {
        Protobuf.Writer w = new Protobuf.Writer();
        w.uint64(1, message.type().ordinal()); // always written: PUT_VALUE is 0
        if (message.key().length > 0) {
            w.bytes(2, message.key());
        }
        KadRecord record = message.record();
        if (record != null) {
            w.bytes(3, encodeRecord(record));
        }
        for (KadPeer p : message.closerPeers()) {
            w.bytes(8, encodePeer(p));
        }
        for (KadPeer p : message.providerPeers()) {
            w.bytes(9, encodePeer(p));
        }
        return w.toByteArray();
    }

    private static byte[] encodeRecord(KadRecord record) {
        Protobuf.Writer w = new Protobuf.Writer().bytes(1, record.key()).bytes(2, record.value());
        if (!record.timeReceived().isEmpty()) {
            w.bytes(5, record.timeReceived().getBytes(StandardCharsets.UTF_8));
        }
        return w.toByteArray();
    }

    private static byte[] encodePeer(KadPeer peer) {
        Protobuf.Writer w = new Protobuf.Writer().bytes(1, peer.id());
        for (byte[] a : peer.addrs()) {
            w.bytes(2, a);
        }
        if (peer.connection() != 0) {
            w.uint64(3, peer.connection());
        }
        return w.toByteArray();
    }

    /**
     * Decodes one message.
     *
     * @throws MalformedDataException if the bytes are not a valid message within the limits
     */
    public static KadMessage decode(byte[] bytes) {
        if (bytes.length > MAX_MESSAGE_SIZE) {
            throw new MalformedDataException("DHT message of " + bytes.length + " bytes exceeds the limit of "
                    + MAX_MESSAGE_SIZE);
        }
        Protobuf.Reader r = new Protobuf.Reader(bytes, "DHT Message");
        long type = 0;
        byte[] key = new byte[0];
        KadRecord record = null;
        List<KadPeer> closer = new ArrayList<>();
        List<KadPeer> providers = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> type = r.uint64();
                case 2 -> key = r.bytes(MAX_KEY_LENGTH);
                case 3 -> record = decodeRecord(r.bytes(MAX_KEY_LENGTH + MAX_VALUE_LENGTH + MAX_TIME_LENGTH + 32));
                case 8 -> add(closer, decodePeer(r.bytes(peerLimit())), r, "closerPeers");
                case 9 -> add(providers, decodePeer(r.bytes(peerLimit())), r, "providerPeers");
                default -> r.skip();
            }
        }
        Type t = Type.of(type);
        if (t == null) {
            throw r.malformed("unknown message type " + type);
        }
        return new KadMessage(t, key, record, closer, providers);
    }

    private static int peerLimit() {
        return MAX_PEER_ID_LENGTH + 16 + MAX_ADDRS_PER_PEER * (MAX_ADDR_LENGTH + 3);
    }

    private static void add(List<KadPeer> list, KadPeer peer, Protobuf.Reader r, String field) {
        if (list.size() >= MAX_PEERS) {
            throw r.malformed("more than " + MAX_PEERS + " " + field);
        }
        list.add(peer);
    }

    private static KadRecord decodeRecord(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "DHT Record");
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        String time = "";
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> key = r.bytes(MAX_KEY_LENGTH);
                case 2 -> value = r.bytes(MAX_VALUE_LENGTH);
                case 5 -> time = new String(r.bytes(MAX_TIME_LENGTH), StandardCharsets.UTF_8);
                default -> r.skip();
            }
        }
        return new KadRecord(key, value, time);
    }

    private static KadPeer decodePeer(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "DHT Peer");
        byte @Nullable [] id = null;
        List<byte[]> addrs = new ArrayList<>();
        long connection = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> id = r.bytes(MAX_PEER_ID_LENGTH);
                case 2 -> {
                    if (addrs.size() >= MAX_ADDRS_PER_PEER) {
                        throw r.malformed("more than " + MAX_ADDRS_PER_PEER + " addresses");
                    }
                    addrs.add(r.bytes(MAX_ADDR_LENGTH));
                }
                case 3 -> connection = r.uint64();
                default -> r.skip();
            }
        }
        if (id == null || id.length == 0) {
            throw r.malformed("missing field 1 (id)");
        }
        return new KadPeer(id, addrs, connection >= 0 && connection <= 3 ? (int) connection : 0);
    }
}
