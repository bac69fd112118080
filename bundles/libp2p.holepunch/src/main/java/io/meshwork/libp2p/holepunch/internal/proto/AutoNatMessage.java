package io.meshwork.libp2p.holepunch.internal.proto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An AutoNAT v1 message: a {@code DIAL} request (the asker's peer id and candidate addresses) or a
 * {@code DIAL_RESPONSE} (status, text, the address that worked). Codec canonical and bounded like
 * {@link HolePunch}: at most {@value #MAX_MESSAGE_SIZE} bytes, {@value #MAX_ADDRS} addresses, a status text of at
 * most {@value #MAX_TEXT} bytes; unparsable addresses are skipped, anything else wrong throws
 * {@link MalformedDataException}.
 */
public record AutoNatMessage(Type type, @Nullable Dial dial, @Nullable DialResponse response) {

    public static final String PROTOCOL = "/libp2p/autonat/1.0.0";
    public static final int MAX_MESSAGE_SIZE = 4096;
    public static final int MAX_ADDRS = 32;
    public static final int MAX_TEXT = 256;
    static final int MAX_PEER_ID = 128;

    public enum Type { DIAL, DIAL_RESPONSE }

    public enum Status {
        OK(0), E_DIAL_ERROR(100), E_DIAL_REFUSED(101), E_BAD_REQUEST(200), E_INTERNAL_ERROR(300);

        final int wire;

        Status(int wire) {
            this.wire = wire;
        }

        static @Nullable Status of(long wire) {
            for (Status s : values()) {
                if (s.wire == wire) {
                    return s;
                }
            }
            return null;
        }
    }

    /** The asker: its id (may be absent on the wire) and the addresses to dial back. */
    public record Dial(@Nullable PeerId peer, List<Multiaddr> addrs) {
        public Dial {
            addrs = List.copyOf(addrs);
        }
    }

    public record DialResponse(Status status, String text, @Nullable Multiaddr addr) {
    }

    public static AutoNatMessage dial(PeerId peer, List<Multiaddr> addrs) {
        return new AutoNatMessage(Type.DIAL, new Dial(peer, addrs.size() > MAX_ADDRS ? addrs.subList(0, MAX_ADDRS)
                : addrs), null);
    }

    public static AutoNatMessage response(Status status, String text, @Nullable Multiaddr addr) {
        return new AutoNatMessage(Type.DIAL_RESPONSE, null, new DialResponse(status,
                text.length() > MAX_TEXT / 4 ? text.substring(0, MAX_TEXT / 4) : text, addr));
    }

    public byte[] encode() {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, type.ordinal());
        if (dial != null) {
            Protobuf.Writer peer = new Protobuf.Writer();
            if (dial.peer() != null) {
                peer.bytes(1, dial.peer().bytes());
            }
            dial.addrs().forEach(a -> peer.bytes(2, a.bytes()));
            w.bytes(2, new Protobuf.Writer().bytes(1, peer.toByteArray()).toByteArray());
        }
        if (response != null) {
            Protobuf.Writer r = new Protobuf.Writer().uint64(1, response.status().wire);
            if (!response.text().isEmpty()) {
                r.bytes(2, response.text().getBytes(StandardCharsets.UTF_8));
            }
            if (response.addr() != null) {
                r.bytes(3, response.addr().bytes());
            }
            w.bytes(3, r.toByteArray());
        }
        byte[] out = w.toByteArray();
        if (out.length > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("AutoNAT message of " + out.length + " bytes exceeds "
                    + MAX_MESSAGE_SIZE);
        }
        return out;
    }

    public static AutoNatMessage decode(byte[] bytes) {
        if (bytes.length > MAX_MESSAGE_SIZE) {
            throw new MalformedDataException("AutoNAT message of " + bytes.length + " bytes exceeds "
                    + MAX_MESSAGE_SIZE);
        }
        Protobuf.Reader r = new Protobuf.Reader(bytes, "AutoNAT Message");
        Type type = null;
        Dial dial = null;
        DialResponse response = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    long t = r.uint64();
                    if (t != 0 && t != 1) {
                        throw r.malformed("unknown type " + Long.toUnsignedString(t));
                    }
                    type = Type.values()[(int) t];
                }
                case 2 -> dial = decodeDial(r.bytes(MAX_MESSAGE_SIZE));
                case 3 -> response = decodeResponse(r.bytes(MAX_MESSAGE_SIZE));
                default -> r.skip();
            }
        }
        if (type == null) {
            throw r.malformed("missing field 1 (type)");
        }
        if (type == Type.DIAL && dial == null) {
            throw r.malformed("DIAL without field 2 (dial)");
        }
        if (type == Type.DIAL_RESPONSE && response == null) {
            throw r.malformed("DIAL_RESPONSE without field 3 (dialResponse)");
        }
        return new AutoNatMessage(type, type == Type.DIAL ? dial : null, type == Type.DIAL_RESPONSE ? response : null);
    }

    private static Dial decodeDial(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "Dial");
        Dial dial = new Dial(null, List.of());
        while (r.hasNext()) {
            if (r.next() == 1) {
                dial = decodePeerInfo(r.bytes(MAX_MESSAGE_SIZE));
            } else {
                r.skip();
            }
        }
        return dial;
    }

    private static Dial decodePeerInfo(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "PeerInfo");
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    byte[] b = r.bytes(MAX_PEER_ID);
                    try {
                        id = PeerId.fromBytes(b);
                    } catch (IllegalArgumentException e) {
                        throw r.malformed("invalid peer id: " + e.getMessage());
                    }
                }
                case 2 -> {
                    byte[] a = r.bytes(Multiaddr.MAX_BYTES);
                    if (addrs.size() >= MAX_ADDRS) {
                        throw r.malformed("more than " + MAX_ADDRS + " addresses");
                    }
                    try {
                        addrs.add(Multiaddr.fromBytes(a));
                    } catch (IllegalArgumentException e) {
                        // skipped
                    }
                }
                default -> r.skip();
            }
        }
        return new Dial(id, addrs);
    }

    private static DialResponse decodeResponse(byte[] bytes) {
        Protobuf.Reader r = new Protobuf.Reader(bytes, "DialResponse");
        Status status = null;
        String text = "";
        Multiaddr addr = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    long s = r.uint64();
                    status = Status.of(s);
                    if (status == null) {
                        throw r.malformed("unknown status " + Long.toUnsignedString(s));
                    }
                }
                case 2 -> text = new String(r.bytes(MAX_TEXT), StandardCharsets.UTF_8);
                case 3 -> {
                    byte[] a = r.bytes(Multiaddr.MAX_BYTES);
                    try {
                        addr = Multiaddr.fromBytes(a);
                    } catch (IllegalArgumentException e) {
                        addr = null;
                    }
                }
                default -> r.skip();
            }
        }
        if (status == null) {
            throw r.malformed("DialResponse without field 1 (status)");
        }
        return new DialResponse(status, text, addr);
    }
}
