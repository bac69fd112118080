package io.meshwork.libp2p.mdns.internal.dns;

import java.util.List;

/**
 * A DNS message. mDNS uses id 0, and {@code response} is the QR bit; other header flags are kept in {@code flags}
 * (the 16-bit field without QR) so a decoded message re-encodes to the same header.
 */
public record DnsMessage(int id, boolean response, int flags, List<DnsQuestion> questions, List<DnsRecord> answers,
        List<DnsRecord> authorities, List<DnsRecord> additionals) {

    /** Flags of an mDNS response: AA (authoritative answer), RFC 6762 section 18.4. */
    public static final int AUTHORITATIVE = 0x0400;

    public DnsMessage {
        if (id >>> 16 != 0) {
            throw new IllegalArgumentException("id must fit 16 bits: " + id);
        }
        if ((flags & ~0x7FFF) != 0) {
            throw new IllegalArgumentException("flags must fit 15 bits (QR is separate): " + flags);
        }
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    public static DnsMessage query(List<DnsQuestion> questions) {
        return new DnsMessage(0, false, 0, questions, List.of(), List.of(), List.of());
    }

    public static DnsMessage response(List<DnsRecord> answers, List<DnsRecord> additionals) {
        return new DnsMessage(0, true, AUTHORITATIVE, List.of(), answers, List.of(), additionals);
    }

    /** Answers, authorities and additionals, in that order. */
    public List<DnsRecord> allRecords() {
        return java.util.stream.Stream.of(answers, authorities, additionals).flatMap(List::stream).toList();
    }
}
