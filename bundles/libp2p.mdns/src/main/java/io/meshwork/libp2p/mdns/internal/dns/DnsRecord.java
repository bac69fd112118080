package io.meshwork.libp2p.mdns.internal.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One resource record of class {@code IN}. {@code cacheFlush} is mDNS's top bit of the class field (RFC 6762
 * section 10.2); {@code ttl} is in seconds (0 announces that the record is gone).
 */
public record DnsRecord(String name, int type, boolean cacheFlush, long ttl, Data data) {

    public static final int A = 1;
    public static final int PTR = 12;
    public static final int TXT = 16;
    public static final int AAAA = 28;
    public static final int SRV = 33;
    public static final int ANY = 255;

    public DnsRecord {
        DnsCodec.checkName(name);
        DnsCodec.checkType(type);
        if (ttl < 0 || ttl > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("TTL out of range: " + ttl);
        }
        Objects.requireNonNull(data, "data");
        boolean fits = switch (type) {
            case PTR -> data instanceof Ptr;
            case TXT -> data instanceof Txt;
            case SRV -> data instanceof Srv;
            case A -> data instanceof Address a && a.address() instanceof Inet4Address;
            case AAAA -> data instanceof Address a && a.address() instanceof Inet6Address;
            default -> data instanceof Raw;
        };
        if (!fits) {
            throw new IllegalArgumentException("record type " + type + " cannot carry " + data);
        }
    }

    public static DnsRecord ptr(String name, long ttl, String target) {
        return new DnsRecord(name, PTR, false, ttl, new Ptr(target));
    }

    /** A TXT record; each string must be at most 255 bytes in UTF-8. */
    public static DnsRecord txt(String name, long ttl, List<String> strings) {
        List<byte[]> bytes = new ArrayList<>();
        for (String s : strings) {
            bytes.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return new DnsRecord(name, TXT, true, ttl, new Txt(bytes));
    }

    public static DnsRecord srv(String name, long ttl, int port, String target) {
        return new DnsRecord(name, SRV, true, ttl, new Srv(0, 0, port, target));
    }

    public static DnsRecord address(String name, long ttl, InetAddress address) {
        return new DnsRecord(name, address instanceof Inet4Address ? A : AAAA, true, ttl, new Address(address));
    }

    /** What a record carries. */
    public sealed interface Data permits Ptr, Txt, Srv, Address, Raw {
    }

    /** PTR: the name pointed to. */
    public record Ptr(String target) implements Data {
        public Ptr {
            DnsCodec.checkName(target);
        }
    }

    /** TXT: character strings of up to 255 bytes each. */
    public record Txt(List<byte[]> strings) implements Data {
        public Txt {
            strings = List.copyOf(strings);
            for (byte[] s : strings) {
                if (s.length > 255) {
                    throw new IllegalArgumentException("TXT string longer than 255 bytes: " + s.length);
                }
            }
        }

        /** The strings as UTF-8 text (malformed sequences replaced). */
        public List<String> texts() {
            return strings.stream().map(s -> new String(s, StandardCharsets.UTF_8)).toList();
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (!(o instanceof Txt other) || other.strings.size() != strings.size()) {
                return false;
            }
            for (int i = 0; i < strings.size(); i++) {
                if (!Arrays.equals(strings.get(i), other.strings.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (byte[] s : strings) {
                h = 31 * h + Arrays.hashCode(s);
            }
            return h;
        }

        @Override
        public String toString() {
            return "Txt" + texts();
        }
    }

    /** SRV: priority, weight, port and target host (RFC 2782). */
    public record Srv(int priority, int weight, int port, String target) implements Data {
        public Srv {
            if ((priority | weight | port) >>> 16 != 0) {
                throw new IllegalArgumentException("SRV priority/weight/port must fit 16 bits");
            }
            DnsCodec.checkName(target);
        }
    }

    /** A or AAAA: an IP address. */
    public record Address(InetAddress address) implements Data {
    }

    /** Any other type, uninterpreted. */
    public record Raw(byte[] bytes) implements Data {
        public Raw {
            if (bytes.length > 0xFFFF) {
                throw new IllegalArgumentException("RDATA longer than 65535 bytes");
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Raw r && Arrays.equals(bytes, r.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Raw[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }
}
