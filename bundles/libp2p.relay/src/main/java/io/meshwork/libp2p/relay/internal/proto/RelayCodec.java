package io.meshwork.libp2p.relay.internal.proto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes hop and stop messages ({@code src/main/proto/circuit.proto}). Encoding is canonical: fields
 * in field order, absent fields omitted, {@code type} always written. Decoding accepts at most
 * {@link #MAX_MESSAGE_SIZE} bytes, at most {@link #MAX_ADDRS} addresses per list, skips unknown fields and
 * addresses that do not parse, and throws {@link MalformedDataException} for everything else that is wrong. Stateless.
 */
public final class RelayCodec {

    public static final String HOP = "/libp2p/circuit/relay/0.2.0/hop";
    public static final String STOP = "/libp2p/circuit/relay/0.2.0/stop";
    /** Largest message on hop and stop streams, as in the other implementations. */
    public static final int MAX_MESSAGE_SIZE = 4096;
    static final int MAX_ADDRS = 64;
    static final int MAX_PEER_ID = 128;

    private RelayCodec() {
    }

    // ------------------------------------------------------------------ encode

    public static byte[] encode(HopMessage m) {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, m.type().ordinal());
        if (m.peer() != null) {
            w.bytes(2, peer(m.peer()));
        }
        if (m.reservation() != null) {
            w.bytes(3, reservation(m.reservation()));
        }
        if (m.limit() != null) {
            w.bytes(4, limit(m.limit()));
        }
        if (m.status() != 0) {
            w.uint64(5, m.status());
        }
        return checked(w.toByteArray());
    }

    public static byte[] encode(StopMessage m) {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, m.type().ordinal());
        if (m.peer() != null) {
            w.bytes(2, peer(m.peer()));
        }
        if (m.limit() != null) {
            w.bytes(3, limit(m.limit()));
        }
        if (m.status() != 0) {
            w.uint64(4, m.status());
        }
        return checked(w.toByteArray());
    }

    private static byte[] checked(byte[] bytes) {
        if (bytes.length > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("relay message of " + bytes.length + " bytes exceeds "
                    + MAX_MESSAGE_SIZE + " (too many addresses?)");
        }
        return bytes;
    }

    private static byte[] peer(RelayPeer p) {
        Protobuf.Writer w = new Protobuf.Writer().bytes(1, p.id().bytes());
        p.addrs().forEach(a -> w.bytes(2, a.bytes()));
        return w.toByteArray();
    }

    private static byte[] reservation(Reservation r) {
        Protobuf.Writer w = new Protobuf.Writer();
        if (r.expire() != 0) {
            w.uint64(1, r.expire());
        }
        r.addrs().forEach(a -> w.bytes(2, a.bytes()));
        byte[] voucher = r.voucher();
        if (voucher != null) {
            w.bytes(3, voucher);
        }
        return w.toByteArray();
    }

    private static byte[] limit(Limit l) {
        Protobuf.Writer w = new Protobuf.Writer();
        if (l.durationSeconds() != 0) {
            w.uint64(1, l.durationSeconds());
        }
        if (l.dataBytes() != 0) {
            w.uint64(2, l.dataBytes());
        }
        return w.toByteArray();
    }

    // ------------------------------------------------------------------ decode

    public static HopMessage decodeHop(byte[] bytes) {
        Protobuf.Reader r = reader(bytes, "HopMessage");
        HopMessage.Type type = null;
        RelayPeer peer = null;
        Reservation reservation = null;
        Limit limit = null;
        int status = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    long t = r.uint64();
                    if (t < 0 || t >= HopMessage.Type.values().length) {
                        throw r.malformed("unknown type " + Long.toUnsignedString(t));
                    }
                    type = HopMessage.Type.values()[(int) t];
                }
                case 2 -> peer = decodePeer(r.bytes(MAX_MESSAGE_SIZE));
                case 3 -> reservation = decodeReservation(r.bytes(MAX_MESSAGE_SIZE));
                case 4 -> limit = decodeLimit(r.bytes(MAX_MESSAGE_SIZE));
                case 5 -> status = status(r);
                default -> r.skip();
            }
        }
        if (type == null) {
            throw r.malformed("missing field 1 (type)");
        }
        return new HopMessage(type, peer, reservation, limit, status);
    }

    public static StopMessage decodeStop(byte[] bytes) {
        Protobuf.Reader r = reader(bytes, "StopMessage");
        StopMessage.Type type = null;
        RelayPeer peer = null;
        Limit limit = null;
        int status = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    long t = r.uint64();
                    if (t < 0 || t >= StopMessage.Type.values().length) {
                        throw r.malformed("unknown type " + Long.toUnsignedString(t));
                    }
                    type = StopMessage.Type.values()[(int) t];
                }
                case 2 -> peer = decodePeer(r.bytes(MAX_MESSAGE_SIZE));
                case 3 -> limit = decodeLimit(r.bytes(MAX_MESSAGE_SIZE));
                case 4 -> status = status(r);
                default -> r.skip();
            }
        }
        if (type == null) {
            throw r.malformed("missing field 1 (type)");
        }
        return new StopMessage(type, peer, limit, status);
    }

    private static Protobuf.Reader reader(byte[] bytes, String name) {
        if (bytes.length > MAX_MESSAGE_SIZE) {
            throw new MalformedDataException(name + " of " + bytes.length + " bytes exceeds " + MAX_MESSAGE_SIZE);
        }
        return new Protobuf.Reader(bytes, name);
    }

    private static int status(Protobuf.Reader r) {
        long s = r.uint64();
        if (s < 0 || s > Integer.MAX_VALUE) {
            throw r.malformed("status " + Long.toUnsignedString(s) + " out of range");
        }
        return (int) s;
    }

    private static RelayPeer decodePeer(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "Peer");
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> id = peerId(r, r.bytes(MAX_PEER_ID));
                case 2 -> addAddress(r, addrs, r.bytes(Multiaddr.MAX_BYTES));
                default -> r.skip();
            }
        }
        if (id == null) {
            throw r.malformed("missing field 1 (id)");
        }
        return new RelayPeer(id, addrs);
    }

    private static Reservation decodeReservation(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "Reservation");
        long expire = 0;
        List<Multiaddr> addrs = new ArrayList<>();
        byte[] voucher = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> expire = r.uint64();
                case 2 -> addAddress(r, addrs, r.bytes(Multiaddr.MAX_BYTES));
                case 3 -> voucher = r.bytes(MAX_MESSAGE_SIZE);
                default -> r.skip();
            }
        }
        if (expire < 0) {
            throw r.malformed("expiry " + Long.toUnsignedString(expire) + " out of range");
        }
        return new Reservation(expire, addrs, voucher);
    }

    private static Limit decodeLimit(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "Limit");
        long duration = 0;
        long data = 0;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> duration = r.uint64();
                case 2 -> data = r.uint64();
                default -> r.skip();
            }
        }
        if (duration < 0 || duration > 0xffff_ffffL) {
            throw r.malformed("duration " + Long.toUnsignedString(duration) + " is not a uint32");
        }
        if (data < 0) {
            throw r.malformed("data limit " + Long.toUnsignedString(data) + " out of range");
        }
        return new Limit(duration, data);
    }

    static PeerId peerId(Protobuf.Reader r, byte[] bytes) {
        try {
            return PeerId.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw r.malformed("invalid peer id: " + e.getMessage());
        }
    }

    private static void addAddress(Protobuf.Reader r, List<Multiaddr> addrs, byte[] bytes) {
        if (addrs.size() >= MAX_ADDRS) {
            throw r.malformed("more than " + MAX_ADDRS + " addresses");
        }
        try {
            addrs.add(Multiaddr.fromBytes(bytes));
        } catch (IllegalArgumentException e) {
            // an address we cannot parse (a newer protocol) does not make the message useless
        }
    }

    /** For error texts: the status of a message, e.g. "NO_RESERVATION (the target has no reservation...)". */
    public static String describe(int status) {
        RelayStatus s = RelayStatus.ofCode(status);
        return s == null ? RelayStatus.nameOf(status) : s.name() + " (" + s.meaning() + ")";
    }
}
