package io.meshwork.libp2p.relay.internal.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.testing.Fuzz;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: mutated valid messages and random bytes either decode to a message that re-encodes to
 * something that decodes to the same message, or fail with {@link MalformedDataException}; nothing else.
 */
class RelayCodecFuzzTest {

    @Test
    void decodersOnlyEverThrowMalformedData() {
        Random random = new Random(5);
        PeerId peer = PeerId.fromPublicKey(PrivateKey.generateEd25519(new java.security.SecureRandom()).publicKey());
        List<byte[]> seeds = List.of(
                RelayCodec.encode(HopMessage.reserve()),
                RelayCodec.encode(HopMessage.connect(new RelayPeer(peer, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"))))),
                RelayCodec.encode(new HopMessage(HopMessage.Type.STATUS, null,
                        new Reservation(12345, List.of(Multiaddr.parse("/ip6/::1/tcp/4001")), new byte[] {1, 2}),
                        new Limit(60, 1 << 20), 100)),
                RelayCodec.encode(StopMessage.connect(RelayPeer.of(peer), new Limit(1, 2))));
        int decoded = 0;
        for (int i = 0; i < 40_000; i++) {
            byte[] input = Fuzz.input(random, seeds, i, 64);
            try {
                HopMessage m = RelayCodec.decodeHop(input);
                assertEquals(m, RelayCodec.decodeHop(RelayCodec.encode(m)));
                decoded++;
            } catch (MalformedDataException expected) {
                // fine
            }
            try {
                StopMessage m = RelayCodec.decodeStop(input);
                assertEquals(m, RelayCodec.decodeStop(RelayCodec.encode(m)));
            } catch (MalformedDataException expected) {
                // fine
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(decoded > 1000, "the fuzzer should also produce valid messages");
    }
}
