package io.meshwork.libp2p.pubsub.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageIdTest {

    /** The default id: a 38-byte author (an inlined Ed25519 key) followed by an 8-byte counting sequence number. */
    private static MessageId counted(long seqno) {
        ByteBuffer b = ByteBuffer.allocate(46);
        b.put(new byte[] {0x00, 0x24, 0x08, 0x01, 0x12, 0x20});
        for (int i = 0; i < 32; i++) {
            b.put((byte) (0x5a ^ i));
        }
        b.putLong(seqno);
        return MessageId.wrap(b.array());
    }

    @Test
    void equalIdsAreEqualWithEqualHashesAndCompareAsEqual() {
        MessageId a = counted(7);
        MessageId b = MessageId.of(a.toByteArray());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.fingerprintHigh(), b.fingerprintHigh());
        assertEquals(a.fingerprintLow(), b.fingerprintLow());
        assertEquals(0, a.compareTo(b));
        assertNotEquals(a, counted(8));
        assertTrue(counted(7).compareTo(counted(8)) < 0);
        assertTrue(MessageId.wrap(new byte[] {1}).compareTo(MessageId.wrap(new byte[] {1, 0})) < 0);
        assertTrue(MessageId.wrap(new byte[] {(byte) 0x80}).compareTo(MessageId.wrap(new byte[] {1})) > 0,
                "bytes compare unsigned");
    }

    /**
     * {@code Arrays.hashCode} gave 100,000 counted ids of one author 9,122 distinct hash codes (a step of 1 in a byte
     * is undone by a step of 31 in the next) and a fullest bin of 18, so HashMap bins turned into trees.
     */
    @Test
    void countedIdsOfOneAuthorSpreadOverTheHashTable() {
        int n = 100_000;
        Set<Integer> hashes = new HashSet<>();
        Set<Long> fingerprints = new HashSet<>();
        Map<Integer, Integer> buckets = new HashMap<>();
        int mask = (1 << 17) - 1; // the table HashMap uses for 100,000 entries
        for (long seqno = 1_700_000_000_000_000_000L; seqno < 1_700_000_000_000_000_000L + n; seqno++) {
            MessageId id = counted(seqno);
            int h = id.hashCode();
            hashes.add(h);
            fingerprints.add(id.fingerprintHigh());
            buckets.merge((h ^ h >>> 16) & mask, 1, Integer::sum);
        }
        assertTrue(hashes.size() > n * 0.99, "distinct hash codes: " + hashes.size());
        assertEquals(n, fingerprints.size());
        // a uniformly random hash fills 131,072 bins with 100,000 ids at 0.76 per bin: a fullest bin of 6–8 is
        // normal (8 in about one run in five), 12 or more has odds below 10⁻⁵; Arrays.hashCode gave 18
        int fullest = buckets.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(fullest < 12, "a bin of " + fullest + " in 131,072 for 100,000 ids");
    }
}
