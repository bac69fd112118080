package io.meshwork.libp2p.holepunch.internal.proto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.util.ArrayList;
import java.util.List;

/**
 * A DCUtR message: {@code CONNECT} with the sender's observed addresses, or {@code SYNC}. The codec is canonical
 * (type first, then the addresses), bounded by {@value #MAX_MESSAGE_SIZE} bytes and {@value #MAX_ADDRS} addresses;
 * addresses that do not parse are skipped, as the spec asks; everything else that is wrong throws
 * {@link MalformedDataException}.
 */
public record HolePunch(Type type, List<Multiaddr> observedAddrs) {

    public static final String PROTOCOL = "/libp2p/dcutr";
    public static final int MAX_MESSAGE_SIZE = 4096;
    public static final int MAX_ADDRS = 32;

    public enum Type {
        CONNECT(100), SYNC(300);

        final int wire;

        Type(int wire) {
            this.wire = wire;
        }
    }

    public HolePunch {
        observedAddrs = List.copyOf(observedAddrs);
    }

    public static HolePunch connect(List<Multiaddr> addrs) {
        return new HolePunch(Type.CONNECT, addrs.size() > MAX_ADDRS ? addrs.subList(0, MAX_ADDRS) : addrs);
    }

    public static HolePunch sync() {
        return new HolePunch(Type.SYNC, List.of());
    }

    public byte[] encode() {
        Protobuf.Writer w = new Protobuf.Writer().uint64(1, type.wire);
        int size = 1 + io.meshwork.libp2p.api.codec.Varint.encodedLength(type.wire);
        for (Multiaddr a : observedAddrs) {
            byte[] b = a.bytes();
            size += 1 + io.meshwork.libp2p.api.codec.Varint.encodedLength(b.length) + b.length;
            if (size > MAX_MESSAGE_SIZE) {
                break; // drop the least preferred addresses rather than send an oversized message
            }
            w.bytes(2, b);
        }
        return w.toByteArray();
    }

    public static HolePunch decode(byte[] bytes) {
        if (bytes.length > MAX_MESSAGE_SIZE) {
            throw new MalformedDataException("HolePunch of " + bytes.length + " bytes exceeds " + MAX_MESSAGE_SIZE);
        }
        Protobuf.Reader r = new Protobuf.Reader(bytes, "HolePunch");
        Type type = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> {
                    long t = r.uint64();
                    type = t == 100 ? Type.CONNECT : t == 300 ? Type.SYNC : null;
                    if (type == null) {
                        throw r.malformed("unknown type " + Long.toUnsignedString(t));
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
                        // an address we cannot parse is skipped (it may use a protocol we do not know)
                    }
                }
                default -> r.skip();
            }
        }
        if (type == null) {
            throw r.malformed("missing field 1 (type)");
        }
        return new HolePunch(type, addrs);
    }
}
