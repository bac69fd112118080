package io.meshwork.libp2p.mdns.internal.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: mutated valid messages, random bytes and random headers followed by pointer soup either decode to a
 * message that re-encodes to something decoding to the same message, or fail with {@link MalformedDataException};
 * nothing else, and quickly (a pointer loop would hang here).
 */
class DnsCodecFuzzTest {

    @Test
    void decoderOnlyEverThrowsMalformedData() throws Exception {
        String service = "_p2p._udp.local";
        String instance = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8." + service;
        List<byte[]> seeds = List.of(
                DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr(service)))),
                DnsCodec.encode(DnsMessage.response(List.of(DnsRecord.ptr(service, 120, instance)),
                        List.of(DnsRecord.txt(instance, 120, List.of("dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/12D3KooWabc",
                                "dnsaddr=/ip6/fe80::1/tcp/1/p2p/12D3KooWabc")),
                                DnsRecord.srv(instance, 120, 4001, "h.local"),
                                DnsRecord.address("h.local", 120, InetAddress.getByName("10.0.0.2")),
                                DnsRecord.address("h.local", 120, InetAddress.getByName("fe80::1"))))),
                DnsCodec.encode(new DnsMessage(1, true, 0, List.of(new DnsQuestion("a.b", 33, true)),
                        List.of(new DnsRecord("a.b", 77, false, 1, new DnsRecord.Raw(new byte[] {9}))),
                        List.of(DnsRecord.ptr("a.b", 1, "c.a.b")), List.of())));
        Random random = new Random(6762);
        int decoded = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            byte[] input;
            switch (i % 5) {
                case 4 -> {
                    input = new byte[random.nextInt(96)];
                    random.nextBytes(input);
                }
                case 3 -> {
                    // a plausible header, then bytes biased towards labels and compression pointers
                    input = new byte[12 + random.nextInt(80)];
                    input[5] = (byte) random.nextInt(4);
                    input[7] = (byte) random.nextInt(4);
                    for (int k = 12; k < input.length; k++) {
                        int r = random.nextInt(6);
                        input[k] = (byte) (r == 0 ? 0xC0 : r == 1 ? random.nextInt(k) : r == 2 ? 0
                                : r == 3 ? random.nextInt(8) : random.nextInt(256));
                    }
                }
                default -> {
                    input = seeds.get(random.nextInt(seeds.size())).clone();
                    int flips = 1 + random.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                    if (random.nextInt(8) == 0) {
                        input = Arrays.copyOf(input, random.nextInt(input.length));
                    }
                }
            }
            try {
                DnsMessage m = DnsCodec.decode(input);
                assertEquals(m, DnsCodec.decode(DnsCodec.encode(m)));
                decoded++;
            } catch (MalformedDataException expected) {
                // fine
            }
        }
        assertTrue(decoded > 5_000, "the fuzzer should also produce valid messages: " + decoded);
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "decoding must stay fast");
    }
}
