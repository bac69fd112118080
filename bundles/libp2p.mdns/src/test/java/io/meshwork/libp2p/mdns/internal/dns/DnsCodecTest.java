package io.meshwork.libp2p.mdns.internal.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsCodecTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void queryForTheServiceHasTheExpectedBytes() {
        byte[] bytes = DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr("_p2p._udp.local"))));
        // id 0, flags 0, 1 question; 4 _p2p 4 _udp 5 local 0; type 12; class 1
        assertArrayEquals(hex("0000 0000 0001 0000 0000 0000"
                + "045f703270 045f756470 056c6f63616c 00 000c 0001"), bytes);
    }

    @Test
    void responseRoundTripsAndCompressesNames() throws Exception {
        String service = "_p2p._udp.local";
        String instance = "abcdefghijabcdefghijabcdefghij12." + service;
        DnsMessage m = DnsMessage.response(
                List.of(DnsRecord.ptr(service, 120, instance)),
                List.of(DnsRecord.txt(instance, 120, List.of("dnsaddr=/ip4/192.168.1.2/tcp/4001/p2p/12D3KooW")),
                        DnsRecord.srv(instance, 120, 4001, "host.local"),
                        DnsRecord.address("host.local", 120, InetAddress.getByName("192.168.1.2")),
                        DnsRecord.address("host.local", 120, InetAddress.getByName("fe80::1")),
                        new DnsRecord("x.local", 99, false, 5, new DnsRecord.Raw(new byte[] {1, 2, 3}))));
        byte[] bytes = DnsCodec.encode(m);
        assertEquals(m, DnsCodec.decode(bytes));
        // The instance name in the TXT record is a 2-byte pointer to the PTR's data, and ".local" repeats once.
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(text.indexOf("abcdefghij"), text.lastIndexOf("abcdefghijabcdefghijabcdefghij12"));
        assertEquals(text.indexOf("local"), text.lastIndexOf("local"));
    }

    @Test
    void decodesCaseAndFlagsAsSent() {
        // A response with the cache-flush bit on a TXT answer and the QU bit on a question.
        DnsMessage m = new DnsMessage(7, true, 0x0400, List.of(new DnsQuestion("A.Local", 255, true)),
                List.of(new DnsRecord("A.Local", DnsRecord.TXT, true, 0, new DnsRecord.Txt(List.of()))), List.of(),
                List.of());
        DnsMessage back = DnsCodec.decode(DnsCodec.encode(m));
        assertEquals(m, back);
        assertTrue(back.questions().get(0).asks("a.local", DnsRecord.PTR));
    }

    @Test
    void rejectsPointerLoopsAndForwardPointers() {
        // header with one question whose name is a pointer to itself (offset 12)
        byte[] self = hex("0000 0000 0001 0000 0000 0000 c00c 000c 0001");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DnsCodec.decode(self));
        assertTrue(e.getMessage().contains("does not point backwards"), e.getMessage());
        // a label then a pointer back to that label: a loop through a label
        byte[] loop = hex("0000 0000 0001 0000 0000 0000 0161 c00c 000c 0001");
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(loop));
        byte[] forward = hex("0000 0000 0001 0000 0000 0000 c010 000c 0001 0161 00");
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(forward));
    }

    @Test
    void rejectsBadLengthsAndCounts() {
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(new byte[11]));
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(new byte[DnsCodec.MAX_PACKET + 1]));
        // 65535 questions announced
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(hex("0000 0000 ffff 0000 0000 0000")));
        // label length runs past the end
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(hex("0000 0000 0001 0000 0000 0000 3f61")));
        // extended label type 0x40
        assertThrows(MalformedDataException.class,
                () -> DnsCodec.decode(hex("0000 0000 0001 0000 0000 0000 4100 000c 0001")));
        // an A record with 5 bytes of data
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(
                hex("0000 8400 0000 0001 0000 0000 0161 00 0001 0001 00000078 0005 0102030405")));
        // TXT string longer than its record
        assertThrows(MalformedDataException.class, () -> DnsCodec.decode(
                hex("0000 8400 0000 0001 0000 0000 0161 00 0010 0001 00000078 0002 0561")));
        // trailing garbage
        assertThrows(MalformedDataException.class,
                () -> DnsCodec.decode(hex("0000 0000 0000 0000 0000 0000 00")));
    }

    @Test
    void rejectsNamesLongerThan255Bytes() {
        StringBuilder wire = new StringBuilder("0000 0000 0001 0000 0000 0000");
        for (int i = 0; i < 5; i++) {
            wire.append("3f").append("61".repeat(63));
        }
        wire.append("00 000c 0001");
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DnsCodec.decode(hex(wire.toString())));
        assertTrue(e.getMessage().contains("255"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DnsQuestion.ptr("a".repeat(64) + ".local"));
        assertThrows(IllegalArgumentException.class, () -> DnsQuestion.ptr("a..local"));
    }

    @Test
    void skipsRecordsOfOtherClasses() {
        // one answer of class CH (3): skipped
        DnsMessage m = DnsCodec.decode(hex("0000 8400 0000 0001 0000 0000 0161 00 0010 0003 00000078 0002 0161"));
        assertEquals(List.of(), m.answers());
    }
}
