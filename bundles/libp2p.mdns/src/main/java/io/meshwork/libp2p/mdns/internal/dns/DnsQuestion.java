package io.meshwork.libp2p.mdns.internal.dns;

/**
 * One question: a name, a record type and class {@code IN}. {@code unicastResponse} is mDNS's QU bit (the top bit
 * of the class field, RFC 6762 section 5.4).
 */
public record DnsQuestion(String name, int type, boolean unicastResponse) {

    public DnsQuestion {
        DnsCodec.checkName(name);
        DnsCodec.checkType(type);
    }

    public static DnsQuestion ptr(String name) {
        return new DnsQuestion(name, DnsRecord.PTR, false);
    }

    /** Whether this question asks for {@code type} records of {@code name} (case-insensitive; ANY matches). */
    public boolean asks(String name, int type) {
        return (this.type == type || this.type == DnsRecord.ANY) && this.name.equalsIgnoreCase(name);
    }
}
