package io.meshwork.libp2p.daemon.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.testing.Fuzz;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing (requests, responses, stream infos, pubsub messages, DHT responses): mutated valid messages and
 * random bytes either decode to a message whose encoding decodes to the same encoding again, or fail with
 * {@link MalformedDataException}; nothing else.
 */
class DaemonCodecFuzzTest {

    private static final Multiaddr ADDR = DaemonCodecTest.ADDR;

    @Test
    void decodersOnlyEverThrowMalformedData() {
        List<byte[]> seeds = List.of(
                DaemonCodec.encode(ControlRequest.connect(DaemonCodecTest.PEER, List.of(ADDR), 5)),
                DaemonCodec.encode(ControlRequest.streamOpen(DaemonCodecTest.PEER, List.of("/echo/1.0.0"), 0)),
                DaemonCodec.encode(ControlRequest.streamHandler(ADDR, List.of("/a", "/b"))),
                DaemonCodec.encode(ControlRequest.pubsub(new ControlRequest.PubSub(2, "topic", new byte[] {1}))),
                DaemonCodec.encode(ControlRequest.dht(new ControlRequest.Dht(5, null, null, new byte[] {1}, null, 0,
                        0))),
                DaemonCodec.encode(ControlResponse.identify(DaemonCodecTest.PEER, List.of(ADDR))),
                DaemonCodec.encode(ControlResponse.error("x")),
                DaemonCodec.encode(ControlResponse.pubsub(new ControlResponse.PubSubResponse(List.of("t"),
                        List.of(DaemonCodecTest.PEER)))),
                DaemonCodec.encode(new StreamInfo(DaemonCodecTest.PEER, ADDR, "/p")),
                DaemonCodec.encode(new PsMessage(new byte[] {1}, new byte[] {2}, new byte[] {3}, List.of("t"))),
                DaemonCodec.encodeOkWithDht(DaemonCodec.encodeDhtResponse(0, null, null)),
                DaemonCodec.encodeDhtResponse(1, new ControlResponse.PeerInfo(DaemonCodecTest.PEER, List.of(ADDR)),
                        new byte[] {4, 5}));
        Random random = new Random(8);
        int decoded = 0;
        for (int i = 0; i < 12_000; i++) {
            byte[] input = Fuzz.input(random, seeds, i, 64);
            decoded += roundTrip(input, DaemonCodec::decodeRequest, DaemonCodec::encode);
            decoded += roundTrip(input, DaemonCodec::decodeResponse, DaemonCodec::encode);
            decoded += roundTrip(input, DaemonCodec::decodeStreamInfo, DaemonCodec::encode);
            decoded += roundTrip(input, DaemonCodec::decodePsMessage, DaemonCodec::encode);
            decoded += roundTrip(input, DaemonCodec::decodeDhtResponse,
                    d -> DaemonCodec.encodeDhtResponse(d.type(), d.peer(), d.value()));
            try {
                byte[] dht = DaemonCodec.dhtOf(input);
                if (dht != null) {
                    decoded += roundTrip(dht, DaemonCodec::decodeDhtResponse,
                            d -> DaemonCodec.encodeDhtResponse(d.type(), d.peer(), d.value()));
                }
            } catch (MalformedDataException expected) {
                // not a Response
            }
        }
        assertTrue(decoded > 1000, "the fuzzer should also produce valid messages: " + decoded);
    }

    private static <T> int roundTrip(byte[] input, Function<byte[], T> decode, Function<T, byte[]> encode) {
        T m;
        try {
            m = decode.apply(input);
        } catch (MalformedDataException expected) {
            return 0;
        }
        byte[] once = encode.apply(m);
        assertArrayEquals(once, encode.apply(decode.apply(once)));
        return 1;
    }
}
