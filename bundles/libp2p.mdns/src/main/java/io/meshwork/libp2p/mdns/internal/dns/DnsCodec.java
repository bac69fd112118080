package io.meshwork.libp2p.mdns.internal.dns;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encodes and decodes {@link DnsMessage}s. The decoder accepts at most {@value #MAX_PACKET} bytes and
 * {@value #MAX_ENTRIES} questions and records, follows at most {@value #MAX_POINTERS} compression pointers per name
 * and only pointers to earlier bytes than the label sequence they occur in (so no pointer loop can exist), and
 * throws {@link MalformedDataException} (naming the offset) for anything else wrong. Records of a class other than
 * {@code IN} are skipped. Names are dotted strings of labels (each byte one ISO-8859-1 character, so any label
 * round-trips); a label containing a dot is rejected.
 */
public final class DnsCodec {

    /** Largest packet decoded: the mDNS maximum for a jumbo Ethernet frame (RFC 6762 section 17) is 9000. */
    public static final int MAX_PACKET = 9000;
    /** Questions plus records per message. */
    public static final int MAX_ENTRIES = 512;
    /** Compression pointers followed for one name. */
    public static final int MAX_POINTERS = 32;
    /** Encoded name length limit (RFC 1035 section 2.3.4). */
    public static final int MAX_NAME = 255;
    public static final int MAX_LABEL = 63;

    private static final int CLASS_IN = 1;
    private static final int CLASS_ANY = 255;
    private static final int TOP_BIT = 0x8000;

    private DnsCodec() {
    }

    // ------------------------------------------------------------------ validation

    static void checkName(String name) {
        if (name.isEmpty()) {
            return; // the root
        }
        int wire = 1;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty()) {
                throw new IllegalArgumentException("empty label in name '" + name + "'");
            }
            if (label.length() > MAX_LABEL) {
                throw new IllegalArgumentException("label longer than 63 bytes in name '" + name + "'");
            }
            for (int i = 0; i < label.length(); i++) {
                if (label.charAt(i) > 0xFF) {
                    throw new IllegalArgumentException("name '" + name + "' has a character outside ISO-8859-1");
                }
            }
            wire += label.length() + 1;
        }
        if (wire > MAX_NAME) {
            throw new IllegalArgumentException("name longer than 255 bytes: '" + name + "'");
        }
    }

    static void checkType(int type) {
        if (type >>> 16 != 0) {
            throw new IllegalArgumentException("type must fit 16 bits: " + type);
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Encodes {@code message}, compressing repeated name suffixes. */
    public static byte[] encode(DnsMessage message) {
        Writer w = new Writer();
        w.u16(message.id());
        w.u16((message.response() ? TOP_BIT : 0) | message.flags());
        w.u16(message.questions().size());
        w.u16(message.answers().size());
        w.u16(message.authorities().size());
        w.u16(message.additionals().size());
        for (DnsQuestion q : message.questions()) {
            w.name(q.name());
            w.u16(q.type());
            w.u16(CLASS_IN | (q.unicastResponse() ? TOP_BIT : 0));
        }
        for (List<DnsRecord> section : List.of(message.answers(), message.authorities(), message.additionals())) {
            for (DnsRecord r : section) {
                w.record(r);
            }
        }
        return w.toByteArray();
    }

    private static final class Writer {
        private byte[] buf = new byte[512];
        private int len;
        private final Map<String, Integer> suffixes = new HashMap<>();

        void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
        }

        void u16(int v) {
            ensure(2);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        void u32(long v) {
            u16((int) (v >>> 16) & 0xFFFF);
            u16((int) v & 0xFFFF);
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        void name(String name) {
            if (name.isEmpty()) {
                u8(0);
                return;
            }
            String[] labels = name.split("\\.");
            for (int i = 0; i < labels.length; i++) {
                String suffix = String.join(".", Arrays.asList(labels).subList(i, labels.length))
                        .toLowerCase(Locale.ROOT);
                Integer at = suffixes.get(suffix);
                if (at != null) {
                    u16(0xC000 | at);
                    return;
                }
                if (len < 0x3FFF) {
                    suffixes.put(suffix, len);
                }
                byte[] label = labels[i].getBytes(StandardCharsets.ISO_8859_1);
                u8(label.length);
                bytes(label);
            }
            u8(0);
        }

        void record(DnsRecord r) {
            name(r.name());
            u16(r.type());
            u16(CLASS_IN | (r.cacheFlush() ? TOP_BIT : 0));
            u32(r.ttl());
            int lengthAt = len;
            u16(0);
            int start = len;
            DnsRecord.Data data = r.data();
            if (data instanceof DnsRecord.Ptr p) {
                name(p.target());
            } else if (data instanceof DnsRecord.Txt t) {
                for (byte[] s : t.strings()) {
                    u8(s.length);
                    bytes(s);
                }
            } else if (data instanceof DnsRecord.Srv s) {
                u16(s.priority());
                u16(s.weight());
                u16(s.port());
                name(s.target());
            } else if (data instanceof DnsRecord.Address a) {
                bytes(a.address().getAddress());
            } else {
                bytes(((DnsRecord.Raw) data).bytes());
            }
            int rdLength = len - start;
            if (rdLength > 0xFFFF) {
                throw new IllegalArgumentException("RDATA of " + r.name() + " longer than 65535 bytes");
            }
            buf[lengthAt] = (byte) (rdLength >>> 8);
            buf[lengthAt + 1] = (byte) rdLength;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes one DNS message; {@code packet} is not modified or retained. */
    public static DnsMessage decode(byte[] packet) {
        return decode(packet, 0, packet.length);
    }

    public static DnsMessage decode(byte[] packet, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, packet.length);
        if (length > MAX_PACKET) {
            throw new MalformedDataException("DNS message of " + length + " bytes exceeds the limit of " + MAX_PACKET);
        }
        Reader r = new Reader(Arrays.copyOfRange(packet, offset, offset + length));
        if (length < 12) {
            throw new MalformedDataException("DNS message of " + length + " bytes is shorter than its 12-byte header");
        }
        int id = r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        int ar = r.u16();
        if (qd + an + ns + ar > MAX_ENTRIES) {
            throw new MalformedDataException("DNS message announces " + (qd + an + ns + ar)
                    + " questions and records, more than " + MAX_ENTRIES);
        }
        List<DnsQuestion> questions = new ArrayList<>(qd);
        for (int i = 0; i < qd; i++) {
            String name = r.name();
            int type = r.u16();
            int clazz = r.u16();
            int c = clazz & 0x7FFF;
            if (c == CLASS_IN || c == CLASS_ANY) {
                questions.add(new DnsQuestion(name, type, (clazz & TOP_BIT) != 0));
            }
        }
        List<DnsRecord> answers = records(r, an);
        List<DnsRecord> authorities = records(r, ns);
        List<DnsRecord> additionals = records(r, ar);
        if (r.pos != r.data.length) {
            throw new MalformedDataException((r.data.length - r.pos) + " bytes after the last record at offset "
                    + r.pos);
        }
        return new DnsMessage(id, (flags & TOP_BIT) != 0, flags & 0x7FFF, questions, answers, authorities,
                additionals);
    }

    private static List<DnsRecord> records(Reader r, int count) {
        List<DnsRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = r.pos;
            String name = r.name();
            int type = r.u16();
            int clazz = r.u16();
            long ttl = r.u32();
            int rdLength = r.u16();
            int end = r.pos + rdLength;
            if (end > r.data.length) {
                throw new MalformedDataException("record '" + name + "' at offset " + at + " has " + rdLength
                        + " bytes of data but only " + (r.data.length - r.pos) + " remain");
            }
            DnsRecord.Data data = switch (type) {
                case DnsRecord.PTR -> new DnsRecord.Ptr(r.name());
                case DnsRecord.TXT -> {
                    List<byte[]> strings = new ArrayList<>();
                    while (r.pos < end) {
                        int n = r.u8();
                        if (r.pos + n > end) {
                            throw new MalformedDataException("TXT string at offset " + (r.pos - 1)
                                    + " runs past its record");
                        }
                        strings.add(r.bytes(n));
                    }
                    yield new DnsRecord.Txt(strings);
                }
                case DnsRecord.SRV -> {
                    int priority = r.u16();
                    int weight = r.u16();
                    int port = r.u16();
                    yield new DnsRecord.Srv(priority, weight, port, r.name());
                }
                case DnsRecord.A, DnsRecord.AAAA -> {
                    int size = type == DnsRecord.A ? 4 : 16;
                    if (rdLength != size) {
                        throw new MalformedDataException("address record '" + name + "' at offset " + at + " has "
                                + rdLength + " bytes, not " + size);
                    }
                    try {
                        yield new DnsRecord.Address(InetAddress.getByAddress(r.bytes(size)));
                    } catch (UnknownHostException e) {
                        throw new MalformedDataException("bad address at offset " + at, e);
                    }
                }
                default -> new DnsRecord.Raw(r.bytes(rdLength));
            };
            if (r.pos != end) {
                throw new MalformedDataException("record '" + name + "' at offset " + at + ": its data is "
                        + rdLength + " bytes long but its content ends at offset " + r.pos);
            }
            if ((clazz & 0x7FFF) == CLASS_IN) {
                out.add(new DnsRecord(name, type, (clazz & TOP_BIT) != 0, ttl, data));
            }
        }
        return out;
    }

    private static final class Reader {
        final byte[] data;
        int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        void need(int n) {
            if (pos + n > data.length) {
                throw new MalformedDataException("DNS message truncated at offset " + pos + " (needs " + n
                        + " more bytes)");
            }
        }

        int u8() {
            need(1);
            return data[pos++] & 0xFF;
        }

        int u16() {
            need(2);
            int v = (data[pos] & 0xFF) << 8 | data[pos + 1] & 0xFF;
            pos += 2;
            return v;
        }

        long u32() {
            return (long) u16() << 16 | u16();
        }

        byte[] bytes(int n) {
            need(n);
            byte[] b = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return b;
        }

        /** A possibly compressed name; pointers must point before the label sequence they end. */
        String name() {
            StringBuilder sb = new StringBuilder();
            int p = pos;
            int floor = pos;
            int resume = -1;
            int pointers = 0;
            int wire = 1;
            while (true) {
                if (p >= data.length) {
                    throw new MalformedDataException("name at offset " + floor + " runs past the end of the message");
                }
                int b = data[p] & 0xFF;
                if (b == 0) {
                    p++;
                    break;
                }
                if ((b & 0xC0) == 0xC0) {
                    if (p + 1 >= data.length) {
                        throw new MalformedDataException("truncated compression pointer at offset " + p);
                    }
                    int target = (b & 0x3F) << 8 | data[p + 1] & 0xFF;
                    if (target >= floor) {
                        throw new MalformedDataException("compression pointer at offset " + p + " to offset " + target
                                + " does not point backwards");
                    }
                    if (++pointers > MAX_POINTERS) {
                        throw new MalformedDataException("more than " + MAX_POINTERS + " compression pointers in name"
                                + " at offset " + pos);
                    }
                    if (resume < 0) {
                        resume = p + 2;
                    }
                    p = target;
                    floor = target;
                    continue;
                }
                if ((b & 0xC0) != 0) {
                    throw new MalformedDataException("unsupported label type 0x" + Integer.toHexString(b & 0xC0)
                            + " at offset " + p);
                }
                if (p + 1 + b > data.length) {
                    throw new MalformedDataException("label at offset " + p + " runs past the end of the message");
                }
                wire += b + 1;
                if (wire > MAX_NAME) {
                    throw new MalformedDataException("name at offset " + pos + " is longer than 255 bytes");
                }
                String label = new String(data, p + 1, b, StandardCharsets.ISO_8859_1);
                if (label.indexOf('.') >= 0) {
                    throw new MalformedDataException("label with a dot at offset " + p);
                }
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(label);
                p += 1 + b;
            }
            pos = resume >= 0 ? resume : p;
            return sb.toString();
        }
    }
}
