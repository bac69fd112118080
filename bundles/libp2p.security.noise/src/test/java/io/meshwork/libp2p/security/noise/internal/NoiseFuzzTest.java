package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input to the payload decoder and to both handshake roles: the only exception that may escape
 * is {@link NoiseException}. Keys are fixed so that valid messages can be computed once and then mutated; the
 * seed of every run is fixed so that a failure reproduces.
 */
class NoiseFuzzTest {

    private static final long SEED = 0xf022_2024L;
    private static final byte[] EMPTY = new byte[0];

    private final Random random = new Random(SEED);
    private final PrivateKey dialer = TestPeers.newIdentity();
    private final PrivateKey listener = TestPeers.newIdentity();
    private final byte[] dialerStatic = AeadTest.bytes(random, 32);
    private final byte[] dialerEphemeral = AeadTest.bytes(random, 32);
    private final byte[] listenerStatic = AeadTest.bytes(random, 32);
    private final byte[] listenerEphemeral = AeadTest.bytes(random, 32);

    private interface Probe {
        void run(byte[] input) throws NoiseException;
    }

    /** Runs {@code probe}; a NoiseException is a rejection, anything else a defect. Returns whether it accepted. */
    private static boolean probe(String what, int iteration, byte[] input, Probe probe) {
        try {
            probe.run(input);
            return true;
        } catch (NoiseException rejected) {
            assertTrue(rejected.getMessage() != null && !rejected.getMessage().isEmpty());
            return false;
        } catch (RuntimeException | AssertionError defect) {
            fail(what + " iteration " + iteration + " (seed " + SEED + ") threw " + defect + " for input "
                    + HexFormat.of().formatHex(input), defect);
            return false;
        }
    }

    private static Supplier<X25519KeyPair> fixedKeys(byte[] staticKey, byte[] ephemeralKey) {
        int[] calls = {0};
        return () -> X25519KeyPair.fromPrivateKey(calls[0]++ % 2 == 0 ? staticKey : ephemeralKey);
    }

    private LibP2pNoiseHandshake initiator() throws NoiseException {
        LibP2pNoiseHandshake hs = TestPeers.builder(dialer).muxers(List.of("/yamux/1.0.0"))
                .keySource(fixedKeys(dialerStatic, dialerEphemeral)).initiator(null);
        hs.start();
        return hs;
    }

    private LibP2pNoiseHandshake responder() throws NoiseException {
        LibP2pNoiseHandshake hs = TestPeers.builder(listener).muxers(List.of("/yamux/1.0.0"))
                .keySource(fixedKeys(listenerStatic, listenerEphemeral)).responder();
        hs.start();
        return hs;
    }

    private byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            switch (random.nextInt(6)) {
                case 0:
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    break;
                case 1:
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    break;
                case 2:
                    b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                    break;
                case 3:
                    b = concat(b, AeadTest.bytes(random, 1 + random.nextInt(20)));
                    break;
                case 4:
                    if (b.length > 0) {
                        int at = random.nextInt(b.length);
                        b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length));
                    }
                    break;
                default:
                    int at = random.nextInt(b.length + 1);
                    b = concat(concat(Arrays.copyOf(b, at), new byte[] {(byte) random.nextInt(256)}),
                            Arrays.copyOfRange(b, at, b.length));
                    break;
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void payloadDecoderOnlyThrowsNoiseException() {
        byte[] valid = new NoiseHandshakePayload(dialer.publicKey().marshal(), new byte[64],
                new NoiseExtensions(List.of(new byte[34]), List.of("/yamux/1.0.0", "/mplex/6.7.0"))).encode();
        int accepted = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] input = i % 2 == 0 ? AeadTest.bytes(random, random.nextInt(300)) : mutate(valid);
            if (probe("payload decoder", i, input, NoiseHandshakePayload::decode)) {
                accepted++;
            }
        }
        assertTrue(accepted > 0 && accepted < 10_000, "both outcomes occur: " + accepted);
    }

    @Test
    void handshakeRolesOnlyThrowNoiseExceptionForRandomAndMutatedMessages() throws NoiseException {
        // valid messages with the fixed keys; deterministic Ed25519 makes them identical every time
        LibP2pNoiseHandshake i0 = initiator();
        LibP2pNoiseHandshake r0 = responder();
        TestPeers.Outcome valid = TestPeers.run(
                TestPeers.builder(dialer).muxers(List.of("/yamux/1.0.0"))
                        .keySource(fixedKeys(dialerStatic, dialerEphemeral)).initiator(null),
                TestPeers.builder(listener).muxers(List.of("/yamux/1.0.0"))
                        .keySource(fixedKeys(listenerStatic, listenerEphemeral)).responder());
        byte[] m1 = valid.messages().get(0);
        byte[] m2 = valid.messages().get(1);
        byte[] m3 = valid.messages().get(2);
        assertEquals(0, r0.onMessage(m1).completion().stream().count());
        assertTrue(i0.onMessage(m2).completion().isPresent(), "fixed keys reproduce message 2");

        for (int i = 0; i < 1_000; i++) {
            byte[] first = i % 2 == 0 ? AeadTest.bytes(random, random.nextInt(200)) : mutate(m1);
            probe("responder message 1", i, first, input -> responder().onMessage(input));

            byte[] second = i % 2 == 0 ? AeadTest.bytes(random, random.nextInt(400)) : mutate(m2);
            probe("initiator message 2", i, second, input -> initiator().onMessage(input));

            byte[] third = i % 2 == 0 ? AeadTest.bytes(random, random.nextInt(400)) : mutate(m3);
            probe("responder message 3", i, third, input -> {
                LibP2pNoiseHandshake r = responder();
                r.onMessage(m1);
                r.onMessage(input);
            });
        }
    }

    @Test
    void garbagePayloadsInsideValidlyEncryptedMessagesOnlyThrowNoiseException() throws NoiseException {
        byte[] validPayload = new NoiseHandshakePayload(dialer.publicKey().marshal(), new byte[64],
                NoiseExtensions.ofMuxers(List.of("/yamux/1.0.0"))).encode();
        for (int i = 0; i < 1_000; i++) {
            byte[] payload = i % 2 == 0 ? AeadTest.bytes(random, random.nextInt(300)) : mutate(validPayload);

            // a hand-driven initiator puts the payload into a correctly encrypted message 3
            probe("responder payload", i, payload, input -> {
                HandshakeState rogue = new HandshakeState(true, EMPTY, X25519KeyPair.fromPrivateKey(dialerStatic),
                        X25519KeyPair.fromPrivateKey(dialerEphemeral), AeadProvider.AUTO);
                LibP2pNoiseHandshake r = responder();
                byte[] second = r.onMessage(rogue.writeMessage(EMPTY)).outbound().orElseThrow();
                rogue.readMessage(second);
                r.onMessage(rogue.writeMessage(input));
            });

            // a hand-driven responder puts it into a correctly encrypted message 2
            probe("initiator payload", i, payload, input -> {
                HandshakeState rogue = new HandshakeState(false, EMPTY,
                        X25519KeyPair.fromPrivateKey(listenerStatic), X25519KeyPair.fromPrivateKey(listenerEphemeral),
                        AeadProvider.AUTO);
                LibP2pNoiseHandshake in = TestPeers.builder(dialer)
                        .keySource(fixedKeys(dialerStatic, dialerEphemeral)).initiator(null);
                rogue.readMessage(in.start().orElseThrow());
                in.onMessage(rogue.writeMessage(input));
            });
        }
    }

    @Test
    void transportDecryptionOnlyThrowsNoiseException() throws NoiseException {
        byte[] key = AeadTest.bytes(random, 32);
        NoiseSession[] pair = keyedPair(key);
        int accepted = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] valid = pair[0].encrypt(AeadTest.bytes(random, random.nextInt(100)));
            byte[] input = i % 2 == 0 ? AeadTest.bytes(random, random.nextInt(120)) : mutate(valid);
            NoiseSession receiver = pair[1];
            if (probe("transport", i, input, in -> receiver.decrypt(in))) {
                accepted++;
            } else {
                pair = keyedPair(key); // a failed session refuses further input; start over
            }
        }
        assertTrue(accepted < 5_000);
    }

    /** Sessions keyed directly, without a handshake: [0] sends what [1] receives. */
    private static NoiseSession[] keyedPair(byte[] key) {
        CipherState send = new CipherState(AeadProvider.AUTO, "transport send");
        CipherState receive = new CipherState(AeadProvider.AUTO, "transport receive");
        send.initializeKey(key);
        receive.initializeKey(key);
        return new NoiseSession[] {new NoiseSession(send, new CipherState(AeadProvider.AUTO, "unused"), EMPTY,
                AeadProvider.AUTO), new NoiseSession(new CipherState(AeadProvider.AUTO, "unused"), receive, EMPTY,
                AeadProvider.AUTO)};
    }
}
