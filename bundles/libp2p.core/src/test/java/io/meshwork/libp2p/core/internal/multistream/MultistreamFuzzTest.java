package io.meshwork.libp2p.core.internal.multistream;

import static io.meshwork.libp2p.core.internal.multistream.MultistreamCodecTest.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.ProtocolNotSupportedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated byte streams, fed in random chunks: the negotiators may only fail with
 * {@link MultistreamException} (and an initiator with {@link ProtocolNotSupportedException}), and what they
 * accept must be consistent. Each run checks that a fair share of inputs negotiated successfully.
 */
class MultistreamFuzzTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int ITERATIONS = 20_000;
    private static final String HEADER = msg("13", "/multistream/1.0.0");

    private static final List<byte[]> RESPONDER_CORPUS = List.of(
            HEX.parseHex(HEADER + msg("07", "/noise")),
            HEX.parseHex(HEADER + msg("0b", "/tls/1.0.0") + msg("07", "/noise") + "0102030405"),
            HEX.parseHex(HEADER + "036c730a" + msg("0d", "/yamux/1.0.0")),
            HEX.parseHex(HEADER + msg("11", "/ipfs/ping/1.0.0") + "00".repeat(32)));
    private static final List<byte[]> INITIATOR_CORPUS = List.of(
            HEX.parseHex(HEADER + msg("0b", "/tls/1.0.0")),
            HEX.parseHex(HEADER + msg("03", "na") + msg("07", "/noise") + "abcdef"),
            HEX.parseHex(HEADER + msg("03", "na") + msg("03", "na") + msg("0d", "/yamux/1.0.0")),
            HEX.parseHex(HEADER + msg("03", "na") + msg("03", "na") + msg("03", "na")));

    @Test
    void responderOnlyFailsWithMultistreamException() {
        Random random = new Random(11);
        Set<String> supported = Set.of("/noise", "/yamux/1.0.0", "/ipfs/ping/1.0.0");
        int negotiated = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = input(random, RESPONDER_CORPUS);
            MultistreamNegotiator responder = MultistreamNegotiator.responder(supported::contains);
            try {
                Negotiated result = feedInChunks(random, responder, input);
                if (result != null) {
                    negotiated++;
                    assertTrue(supported.contains(result.protocol()));
                    assertTrue(result.leftover().remaining() < input.length);
                }
            } catch (MultistreamException expected) {
                // the only failure bad input may produce
            } catch (ProtocolNotSupportedException e) {
                throw new AssertionError("a responder never refuses as a whole", e);
            }
        }
        assertTrue(negotiated > ITERATIONS / 10, "only " + negotiated + " inputs negotiated");
    }

    @Test
    void initiatorOnlyFailsWithMultistreamOrNotSupported() {
        Random random = new Random(12);
        List<String> offered = List.of("/tls/1.0.0", "/noise", "/yamux/1.0.0");
        int negotiated = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = input(random, INITIATOR_CORPUS);
            MultistreamNegotiator initiator = MultistreamNegotiator.initiator(offered);
            initiator.start();
            try {
                Negotiated result = feedInChunks(random, initiator, input);
                if (result != null) {
                    negotiated++;
                    assertTrue(offered.contains(result.protocol()));
                }
            } catch (MultistreamException | ProtocolNotSupportedException expected) {
                // the failures bad or unfriendly input may produce
            }
        }
        assertTrue(negotiated > ITERATIONS / 10, "only " + negotiated + " inputs negotiated");
    }

    @Test
    void leftoverIsExactlyWhatFollowsTheAcceptedProposal() throws Exception {
        Random random = new Random(13);
        for (int i = 0; i < 2000; i++) {
            byte[] tail = new byte[random.nextInt(50)];
            random.nextBytes(tail);
            byte[] prefix = HEX.parseHex(HEADER + msg("03", "na") + msg("07", "/noise"));
            byte[] input = Arrays.copyOf(prefix, prefix.length + tail.length);
            System.arraycopy(tail, 0, input, prefix.length, tail.length);
            Negotiated result = feedInChunks(random, MultistreamNegotiator.responder(Set.of("/noise")::contains),
                    input);
            byte[] leftover = new byte[result.leftover().remaining()];
            result.leftover().get(leftover);
            assertEquals(HEX.formatHex(tail), HEX.formatHex(leftover));
        }
    }

    /** Feeds {@code input} in random chunks until the negotiation ends; null if it never did. */
    private static Negotiated feedInChunks(Random random, MultistreamNegotiator negotiator, byte[] input)
            throws MultistreamException, ProtocolNotSupportedException {
        int offset = 0;
        while (offset < input.length) {
            int length = 1 + random.nextInt(input.length - offset);
            MultistreamNegotiator.Step step = negotiator.onData(ByteBuffer.wrap(input, offset, length));
            offset += length;
            Negotiated result = step.result();
            if (result != null) {
                // The leftover of the final chunk is the rest of that chunk; later chunks belong to the app.
                return new Negotiated(result.protocol(), concat(result.leftover(), input, offset));
            }
        }
        return null;
    }

    private static ByteBuffer concat(ByteBuffer leftover, byte[] input, int from) {
        ByteBuffer out = ByteBuffer.allocate(leftover.remaining() + input.length - from);
        out.put(leftover.duplicate()).put(input, from, input.length - from).flip();
        return out;
    }

    private static byte[] input(Random random, List<byte[]> corpus) {
        if (random.nextInt(10) == 0) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            return garbage;
        }
        byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
        for (int m = random.nextInt(4); m > 0; m--) {
            input = mutate(random, input);
        }
        return input;
    }

    private static byte[] mutate(Random random, byte[] input) {
        if (input.length == 0) {
            return input;
        }
        byte[] out;
        switch (random.nextInt(4)) {
            case 0:
                out = input.clone();
                out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                return out;
            case 1:
                return Arrays.copyOf(input, random.nextInt(input.length + 1));
            case 2:
                out = input.clone();
                out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                return out;
            default:
                int at = random.nextInt(input.length);
                out = new byte[input.length + 1];
                System.arraycopy(input, 0, out, 0, at);
                out[at] = (byte) random.nextInt(256);
                System.arraycopy(input, at, out, at + 1, input.length - at);
                return out;
        }
    }
}
