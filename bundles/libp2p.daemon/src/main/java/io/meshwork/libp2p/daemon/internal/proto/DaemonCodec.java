package io.meshwork.libp2p.daemon.internal.proto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written, bounded codec for the daemon control protocol. Decoders accept any field order, skip unknown
 * fields, and throw {@link MalformedDataException} (never anything else) for bad input: truncation, wrong wire
 * types, invalid peer IDs, multiaddrs or UTF-8, and more repeated entries or bytes than the limits below.
 * Encoders always write the {@code type} fields, also when 0 (they are proto3 {@code optional}).
 */
public final class DaemonCodec {

    /** Most addresses accepted in one address list. */
    public static final int MAX_ADDRS = 64;
    /** Most protocol ids accepted in one request. */
    public static final int MAX_PROTOCOLS = 32;
    /** Longest protocol id, topic or error text accepted, in bytes. */
    public static final int MAX_STRING = 1024;
    /** Largest peer ID accepted, in bytes. */
    public static final int MAX_PEER_ID = 256;
    /** Most topics or peers in one pubsub response. */
    public static final int MAX_LIST = 10_000;
    /** Largest byte field (pubsub data, DHT value), in bytes; the frame limit usually binds first. */
    public static final int MAX_DATA = 4 << 20;

    private DaemonCodec() {
    }

    // ------------------------------------------------------------------ requests

    public static byte[] encode(ControlRequest r) {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, r.type());
        if (r.connect() != null) {
            ControlRequest.Connect c = r.connect();
            Protobuf.Writer m = new Protobuf.Writer().bytes(1, c.peer().bytes());
            c.addrs().forEach(a -> m.bytes(2, a.bytes()));
            if (c.timeoutSeconds() != 0) {
                m.uint64(3, c.timeoutSeconds());
            }
            w.bytes(2, m.toByteArray());
        }
        if (r.streamOpen() != null) {
            ControlRequest.StreamOpen s = r.streamOpen();
            Protobuf.Writer m = new Protobuf.Writer().bytes(1, s.peer().bytes());
            s.protocols().forEach(p -> m.bytes(2, utf8(p)));
            if (s.timeoutSeconds() != 0) {
                m.uint64(3, s.timeoutSeconds());
            }
            w.bytes(3, m.toByteArray());
        }
        if (r.streamHandler() != null) {
            ControlRequest.StreamHandler h = r.streamHandler();
            Protobuf.Writer m = new Protobuf.Writer().bytes(1, h.addr().bytes());
            h.protocols().forEach(p -> m.bytes(2, utf8(p)));
            w.bytes(4, m.toByteArray());
        }
        if (r.dht() != null) {
            ControlRequest.Dht d = r.dht();
            Protobuf.Writer m = new Protobuf.Writer().uint64(1, d.type());
            if (d.peer() != null) {
                m.bytes(2, d.peer().bytes());
            }
            if (d.cid() != null) {
                m.bytes(3, d.cid());
            }
            if (d.key() != null) {
                m.bytes(4, d.key());
            }
            if (d.value() != null) {
                m.bytes(5, d.value());
            }
            if (d.count() != 0) {
                m.uint64(6, d.count());
            }
            if (d.timeoutSeconds() != 0) {
                m.uint64(7, d.timeoutSeconds());
            }
            w.bytes(5, m.toByteArray());
        }
        if (r.disconnect() != null) {
            w.bytes(7, new Protobuf.Writer().bytes(1, r.disconnect().bytes()).toByteArray());
        }
        if (r.pubsub() != null) {
            ControlRequest.PubSub p = r.pubsub();
            Protobuf.Writer m = new Protobuf.Writer().uint64(1, p.type());
            if (p.topic() != null) {
                m.bytes(2, utf8(p.topic()));
            }
            byte[] data = p.data();
            if (data != null) {
                m.bytes(3, data);
            }
            w.bytes(8, m.toByteArray());
        }
        return w.toByteArray();
    }

    public static ControlRequest decodeRequest(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon Request");
        int type = -1;
        ControlRequest.Connect connect = null;
        ControlRequest.StreamOpen streamOpen = null;
        ControlRequest.StreamHandler streamHandler = null;
        ControlRequest.Dht dht = null;
        PeerId disconnect = null;
        ControlRequest.PubSub pubsub = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> type = enumValue(r, "type");
                case 2 -> connect = decodeConnect(r.bytes(in.length));
                case 3 -> streamOpen = decodeStreamOpen(r.bytes(in.length));
                case 4 -> streamHandler = decodeStreamHandler(r.bytes(in.length));
                case 5 -> dht = decodeDht(r.bytes(in.length));
                case 7 -> disconnect = decodeDisconnect(r.bytes(in.length));
                case 8 -> pubsub = decodePubSubRequest(r.bytes(in.length));
                default -> r.skip();
            }
        }
        if (type < 0) {
            throw r.malformed("missing type");
        }
        return new ControlRequest(type, connect, streamOpen, streamHandler, dht, disconnect, pubsub);
    }

    private static ControlRequest.Connect decodeConnect(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon ConnectRequest");
        PeerId peer = null;
        List<Multiaddr> addrs = new ArrayList<>();
        long timeout = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> peer = peerId(r);
                case 2 -> addrs.add(multiaddr(r, addrs.size()));
                case 3 -> timeout = r.uint64();
                default -> r.skip();
            }
        }
        if (peer == null) {
            throw r.malformed("missing peer");
        }
        return new ControlRequest.Connect(peer, addrs, timeout);
    }

    private static ControlRequest.StreamOpen decodeStreamOpen(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon StreamOpenRequest");
        PeerId peer = null;
        List<String> protocols = new ArrayList<>();
        long timeout = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> peer = peerId(r);
                case 2 -> protocols.add(protocol(r, protocols.size()));
                case 3 -> timeout = r.uint64();
                default -> r.skip();
            }
        }
        if (peer == null) {
            throw r.malformed("missing peer");
        }
        return new ControlRequest.StreamOpen(peer, protocols, timeout);
    }

    private static ControlRequest.StreamHandler decodeStreamHandler(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon StreamHandlerRequest");
        Multiaddr addr = null;
        List<String> protocols = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> addr = multiaddr(r, 0);
                case 2 -> protocols.add(protocol(r, protocols.size()));
                default -> r.skip();
            }
        }
        if (addr == null) {
            throw r.malformed("missing addr");
        }
        return new ControlRequest.StreamHandler(addr, protocols);
    }

    private static ControlRequest.Dht decodeDht(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon DHTRequest");
        int type = -1;
        PeerId peer = null;
        byte[] cid = null;
        byte[] key = null;
        byte[] value = null;
        int count = 0;
        long timeout = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> type = enumValue(r, "type");
                case 2 -> peer = peerId(r);
                case 3 -> cid = r.bytes(MAX_STRING);
                case 4 -> key = r.bytes(MAX_DATA);
                case 5 -> value = r.bytes(MAX_DATA);
                case 6 -> count = (int) r.uint64(); // int32: negative counts arrive sign-extended
                case 7 -> timeout = r.uint64();
                default -> r.skip();
            }
        }
        if (type < 0) {
            throw r.malformed("missing type");
        }
        return new ControlRequest.Dht(type, peer, cid, key, value, count, timeout);
    }

    private static PeerId decodeDisconnect(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon DisconnectRequest");
        PeerId peer = null;
        while (r.hasNext()) {
            if (r.next() == 1) {
                peer = peerId(r);
            } else {
                r.skip();
            }
        }
        if (peer == null) {
            throw r.malformed("missing peer");
        }
        return peer;
    }

    private static ControlRequest.PubSub decodePubSubRequest(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon PSRequest");
        int type = -1;
        String topic = null;
        byte[] data = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> type = enumValue(r, "type");
                case 2 -> topic = string(r);
                case 3 -> data = r.bytes(MAX_DATA);
                default -> r.skip();
            }
        }
        if (type < 0) {
            throw r.malformed("missing type");
        }
        return new ControlRequest.PubSub(type, topic, data);
    }

    // ------------------------------------------------------------------ responses

    public static byte[] encode(ControlResponse resp) {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, resp.ok() ? 0 : 1);
        if (resp.error() != null) {
            w.bytes(2, new Protobuf.Writer().bytes(1, utf8(resp.error())).toByteArray());
        }
        if (resp.streamInfo() != null) {
            w.bytes(3, encode(resp.streamInfo()));
        }
        if (resp.identify() != null) {
            w.bytes(4, encodePeerInfo(resp.identify()));
        }
        if (resp.peers() != null) {
            resp.peers().forEach(p -> w.bytes(6, encodePeerInfo(p)));
        }
        if (resp.pubsub() != null) {
            Protobuf.Writer m = new Protobuf.Writer();
            resp.pubsub().topics().forEach(t -> m.bytes(1, utf8(t)));
            resp.pubsub().peers().forEach(p -> m.bytes(2, p.bytes()));
            w.bytes(7, m.toByteArray());
        }
        return w.toByteArray();
    }

    public static ControlResponse decodeResponse(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon Response");
        int type = -1;
        String error = null;
        StreamInfo info = null;
        ControlResponse.PeerInfo identify = null;
        List<ControlResponse.PeerInfo> peers = null;
        ControlResponse.PubSubResponse pubsub = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> type = enumValue(r, "type");
                case 2 -> error = decodeError(r.bytes(in.length));
                case 3 -> info = decodeStreamInfo(r.bytes(in.length));
                case 4 -> identify = decodePeerInfo(r.bytes(in.length));
                case 6 -> {
                    if (peers == null) {
                        peers = new ArrayList<>();
                    }
                    if (peers.size() >= MAX_LIST) {
                        throw r.malformed("more than " + MAX_LIST + " peers");
                    }
                    peers.add(decodePeerInfo(r.bytes(in.length)));
                }
                case 7 -> pubsub = decodePubSubResponse(r.bytes(in.length));
                default -> r.skip();
            }
        }
        if (type != 0 && type != 1) {
            throw r.malformed(type < 0 ? "missing type" : "unknown type " + type);
        }
        return new ControlResponse(type == 0, error, info, identify, peers, pubsub);
    }

    private static String decodeError(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon ErrorResponse");
        String msg = "";
        while (r.hasNext()) {
            if (r.next() == 1) {
                msg = string(r);
            } else {
                r.skip();
            }
        }
        return msg;
    }

    private static byte[] encodePeerInfo(ControlResponse.PeerInfo p) {
        Protobuf.Writer m = new Protobuf.Writer().bytes(1, p.id().bytes());
        p.addrs().forEach(a -> m.bytes(2, a.bytes()));
        return m.toByteArray();
    }

    private static ControlResponse.PeerInfo decodePeerInfo(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon PeerInfo");
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> id = peerId(r);
                case 2 -> addrs.add(multiaddr(r, addrs.size()));
                default -> r.skip();
            }
        }
        if (id == null) {
            throw r.malformed("missing id");
        }
        return new ControlResponse.PeerInfo(id, addrs);
    }

    private static ControlResponse.PubSubResponse decodePubSubResponse(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon PSResponse");
        List<String> topics = new ArrayList<>();
        List<PeerId> peers = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    if (topics.size() >= MAX_LIST) {
                        throw r.malformed("more than " + MAX_LIST + " topics");
                    }
                    topics.add(string(r));
                }
                case 2 -> {
                    if (peers.size() >= MAX_LIST) {
                        throw r.malformed("more than " + MAX_LIST + " peers");
                    }
                    peers.add(peerId(r));
                }
                default -> r.skip();
            }
        }
        return new ControlResponse.PubSubResponse(topics, peers);
    }

    // ------------------------------------------------------------------ stream info, pubsub messages, DHT

    public static byte[] encode(StreamInfo info) {
        return new Protobuf.Writer().bytes(1, info.peer().bytes()).bytes(2, info.addr().bytes())
                .bytes(3, utf8(info.protocol())).toByteArray();
    }

    public static StreamInfo decodeStreamInfo(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon StreamInfo");
        PeerId peer = null;
        Multiaddr addr = null;
        String protocol = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> peer = peerId(r);
                case 2 -> addr = multiaddr(r, 0);
                case 3 -> protocol = string(r);
                default -> r.skip();
            }
        }
        if (peer == null || addr == null || protocol == null) {
            throw r.malformed("missing peer, addr or proto");
        }
        return new StreamInfo(peer, addr, protocol);
    }

    public static byte[] encode(PsMessage m) {
        Protobuf.Writer w = new Protobuf.Writer();
        byte[] from = m.from();
        if (from != null) {
            w.bytes(1, from);
        }
        w.bytes(2, m.data());
        byte[] seqno = m.seqno();
        if (seqno != null) {
            w.bytes(3, seqno);
        }
        m.topics().forEach(t -> w.bytes(4, utf8(t)));
        return w.toByteArray();
    }

    public static PsMessage decodePsMessage(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon PSMessage");
        byte[] from = null;
        byte[] data = new byte[0];
        byte[] seqno = null;
        List<String> topics = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> from = r.bytes(MAX_PEER_ID);
                case 2 -> data = r.bytes(MAX_DATA);
                case 3 -> seqno = r.bytes(MAX_STRING);
                case 4 -> {
                    if (topics.size() >= MAX_PROTOCOLS) {
                        throw r.malformed("more than " + MAX_PROTOCOLS + " topics");
                    }
                    topics.add(string(r));
                }
                default -> r.skip();
            }
        }
        return new PsMessage(from, data, seqno, topics);
    }

    /** A {@code DHTResponse}: {@code type} BEGIN (0), VALUE (1) or END (2), with an optional peer and value. */
    public static byte[] encodeDhtResponse(int type, ControlResponse.@Nullable PeerInfo peer, byte @Nullable [] value) {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, type);
        if (peer != null) {
            w.bytes(2, encodePeerInfo(peer));
        }
        if (value != null) {
            w.bytes(3, value);
        }
        return w.toByteArray();
    }

    /** {@code Response{type OK, dht}}: the first message of every successful DHT answer that carries one. */
    public static byte[] encodeOkWithDht(byte[] dhtResponse) {
        return new Protobuf.Writer().uint64(1, 0).bytes(5, dhtResponse).toByteArray();
    }

    /** A decoded {@code DHTResponse}. */
    public record DhtResponse(int type, ControlResponse.@Nullable PeerInfo peer, byte @Nullable [] value) {
    }

    public static DhtResponse decodeDhtResponse(byte[] in) {
        Protobuf.Reader r = new Protobuf.Reader(in, "daemon DHTResponse");
        int type = -1;
        ControlResponse.PeerInfo peer = null;
        byte[] value = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> type = enumValue(r, "type");
                case 2 -> peer = decodePeerInfo(r.bytes(in.length));
                case 3 -> value = r.bytes(MAX_DATA);
                default -> r.skip();
            }
        }
        if (type < 0) {
            throw r.malformed("missing type");
        }
        return new DhtResponse(type, peer, value);
    }

    /** The {@code dht} field (5) of an encoded {@code Response}, or null. */
    public static byte @Nullable [] dhtOf(byte[] response) {
        Protobuf.Reader r = new Protobuf.Reader(response, "daemon Response");
        byte[] dht = null;
        while (r.hasNext()) {
            if (r.next() == 5) {
                dht = r.bytes(response.length);
            } else {
                r.skip();
            }
        }
        return dht;
    }

    // ------------------------------------------------------------------ fields

    private static int enumValue(Protobuf.Reader r, String what) {
        long v = r.uint64();
        if (v < 0 || v > 1024) {
            throw r.malformed(what + " " + v + " is out of range");
        }
        return (int) v;
    }

    private static PeerId peerId(Protobuf.Reader r) {
        byte[] bytes = r.bytes(MAX_PEER_ID);
        try {
            return PeerId.fromBytes(bytes);
        } catch (RuntimeException e) {
            throw r.malformed("invalid peer ID: " + e.getMessage());
        }
    }

    private static Multiaddr multiaddr(Protobuf.Reader r, int already) {
        if (already >= MAX_ADDRS) {
            throw r.malformed("more than " + MAX_ADDRS + " addresses");
        }
        byte[] bytes = r.bytes(Multiaddr.MAX_BYTES);
        try {
            return Multiaddr.fromBytes(bytes);
        } catch (RuntimeException e) {
            throw r.malformed("invalid multiaddr: " + e.getMessage());
        }
    }

    private static String protocol(Protobuf.Reader r, int already) {
        if (already >= MAX_PROTOCOLS) {
            throw r.malformed("more than " + MAX_PROTOCOLS + " protocols");
        }
        String p = string(r);
        if (p.isEmpty()) {
            throw r.malformed("empty protocol id");
        }
        return p;
    }

    private static String string(Protobuf.Reader r) {
        byte[] bytes = r.bytes(MAX_STRING);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw r.malformed("invalid UTF-8 text");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
