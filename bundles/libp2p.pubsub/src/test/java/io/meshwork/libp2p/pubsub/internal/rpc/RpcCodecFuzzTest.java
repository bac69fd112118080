package io.meshwork.libp2p.pubsub.internal.rpc;

import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.describe;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Graft;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IDontWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IHave;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.PeerInfo;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Prune;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link RpcCodec#decode}: random bytes and mutations of valid encodings. Whatever the input,
 * decoding returns or throws MalformedDataException, allocates in proportion to the input (never from a declared
 * length or count), and whatever decodes re-encodes canonically to something that decodes to the same RPC.
 */
class RpcCodecFuzzTest {

    private static final int ITERATIONS = 200_000;
    /** Allowed allocation per decode: a multiple of the input plus a constant for the exception and its text. */
    private static final long ALLOCATION_PER_INPUT_BYTE = 64;
    private static final long ALLOCATION_CONSTANT = 16 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private static com.sun.management.@org.jspecify.annotations.Nullable ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof com.sun.management.ThreadMXBean && ((com.sun.management.ThreadMXBean) bean)
                .isThreadAllocatedMemorySupported()) {
            ((com.sun.management.ThreadMXBean) bean).setThreadAllocatedMemoryEnabled(true);
            return (com.sun.management.ThreadMXBean) bean;
        }
        return null;
    }

    @Test
    void decodeOnlyReturnsOrThrowsMalformedDataAndAllocatesInProportion() {
        Random random = new Random(0x6d657368L);
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(RpcCodec.encode(RpcCodecTest.vectorRpc()));
        for (int i = 0; i < 20; i++) {
            corpus.add(RpcCodec.encode(randomRpc(random)));
        }
        // small limits so mutations also run into every limit
        RpcLimits limits = new RpcLimits(4, 4, 6, 6, 6, 6, 2, 40, 20);
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(corpus.get(random.nextInt(corpus.size())), random);
            RpcLimits chosen = i % 2 == 0 ? limits : RpcLimits.DEFAULTS;
            long before = allocated();
            Rpc rpc = decodeOrNull(input, chosen);
            if (allocated() - before > allowance(input)) {
                // the first run of a rarely taken path also links its string concatenations: measure again
                long allocated = allocatedBy(input, chosen);
                if (allocated > allowance(input)) {
                    fail("decoding " + input.length + " bytes allocated " + allocated + " bytes: "
                            + HexFormat.of().formatHex(input));
                }
            }
            if (rpc != null) {
                accepted++;
                byte[] canonical = RpcCodec.encode(rpc);
                assertEquals(RpcCodec.encodedSize(rpc), canonical.length);
                assertArrayEquals(canonical, RpcCodec.encode(RpcCodec.decode(canonical, RpcLimits.DEFAULTS)));
                if (i % 256 == 0) {
                    assertEquals(describe(rpc), describe(RpcCodec.decode(canonical, RpcLimits.DEFAULTS)));
                }
                if (i % 64 == 0 && corpus.size() < 200 && !rpc.isEmpty() && canonical.length < 1024) {
                    corpus.add(canonical);
                }
            }
        }
        assertTrue(accepted > ITERATIONS / 20, "only " + accepted + " inputs decoded; the fuzzer is not reaching "
                + "the round-trip assertions");
    }

    /** Decodes, allowing only MalformedDataException. */
    private static @org.jspecify.annotations.Nullable Rpc decodeOrNull(byte[] input, RpcLimits limits) {
        try {
            return RpcCodec.decode(input, limits);
        } catch (MalformedDataException e) {
            return null;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("decode threw " + e + " for " + HexFormat.of().formatHex(input), e);
        }
    }

    /** Bytes this thread allocates decoding {@code input} (0 where the JVM cannot tell). */
    private static long allocatedBy(byte[] input, RpcLimits limits) {
        long before = allocated();
        decodeOrNull(input, limits);
        return allocated() - before;
    }

    /** Bytes this thread has allocated so far (0 where the JVM cannot tell). */
    private static long allocated() {
        return THREADS == null ? 0 : THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long allowance(byte[] input) {
        return ALLOCATION_PER_INPUT_BYTE * input.length + ALLOCATION_CONSTANT;
    }

    @Test
    void hostileLengthsAndCountsAllocateNothingBig() {
        List<String> hostile = List.of(
                "12 ffffffff07", // a 2 GiB message in 6 bytes
                "12 06 12 ffffffff07", // a 2 GiB data field inside a small message
                "1a 06 0a 04 12 ffffff7f", // a huge message id
                "7a ffffffffffffffff7f"); // a huge unknown field
        for (String h : hostile) {
            byte[] input = hex(h);
            assertThrows(MalformedDataException.class, () -> RpcCodec.decode(input, RpcLimits.DEFAULTS));
            long allocated = allocatedBy(input, RpcLimits.DEFAULTS); // second run: paths linked
            assertTrue(allocated < ALLOCATION_CONSTANT, h + " allocated " + allocated + " bytes");
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(48)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
            bytes[0] = (byte) (0x0a + 8 * random.nextInt(3)); // start with a known field half the time
        }
        return bytes;
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] out = valid.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && out.length > 0; m++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(7)) {
                case 0:
                    out[at] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1:
                    out[at] = (byte) new int[] {0x00, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x1a, 0x22, 0xc3, 0xed}[
                            random.nextInt(10)];
                    break;
                case 2:
                    out = Arrays.copyOf(out, at); // truncate
                    break;
                case 3: { // delete a byte
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                    break;
                }
                case 4: { // insert a random byte
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                    break;
                }
                case 5: { // duplicate a tail slice (repeats fields, runs into limits)
                    int length = Math.min(out.length - at, 1 + random.nextInt(16));
                    byte[] longer = Arrays.copyOf(out, out.length + length);
                    System.arraycopy(out, at, longer, out.length, length);
                    out = longer;
                    break;
                }
                default: // a valid RPC followed by itself is valid: more of everything, up to the limits
                    if (out.length > 1024) {
                        break;
                    }
                    out = Arrays.copyOf(out, out.length * 2);
                    System.arraycopy(out, 0, out, out.length / 2, out.length / 2);
            }
        }
        return out;
    }

    static Rpc randomRpc(Random random) {
        List<Rpc.SubOpts> subscriptions = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            subscriptions.add(new Rpc.SubOpts(random.nextBoolean(), topic(random)));
        }
        List<RpcMessage> publish = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            publish.add(new RpcMessage(maybeBytes(random, 38), maybeBytes(random, 300), maybeBytes(random, 8),
                    random.nextInt(4) == 0 ? null : topic(random), maybeBytes(random, 64), maybeBytes(random, 36)));
        }
        ControlMessage control = new ControlMessage(
                random.nextBoolean() ? List.of(new IHave(topic(random), ids(random))) : List.of(),
                random.nextBoolean() ? List.of(new IWant(ids(random))) : List.of(),
                random.nextBoolean() ? List.of(new Graft(topic(random))) : List.of(),
                random.nextBoolean() ? List.of(new Prune(topic(random), random.nextBoolean()
                        ? List.of(new PeerInfo(maybeBytes(random, 38), maybeBytes(random, 100)))
                        : List.of(), random.nextBoolean() ? null : random.nextLong())) : List.of(),
                random.nextBoolean() ? List.of(new IDontWant(ids(random))) : List.of());
        return new Rpc(subscriptions, publish, control);
    }

    private static String topic(Random random) {
        String[] parts = {"a", "topic", "/", "\u00e9", "\u20ac", "\ud834\udd1e", "0"};
        StringBuilder topic = new StringBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
            topic.append(parts[random.nextInt(parts.length)]);
        }
        return topic.toString();
    }

    private static List<MessageId> ids(Random random) {
        List<MessageId> ids = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            byte[] id = new byte[random.nextInt(20)];
            random.nextBytes(id);
            ids.add(MessageId.wrap(id));
        }
        return ids;
    }

    private static byte @org.jspecify.annotations.Nullable [] maybeBytes(Random random, int maxLength) {
        if (random.nextInt(4) == 0) {
            return null;
        }
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }
}
