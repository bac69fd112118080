package io.meshwork.libp2p.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshwork.libp2p.api.codec.Base32;
import io.meshwork.libp2p.api.codec.Base58;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Multibase;
import io.meshwork.libp2p.api.codec.Multihash;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.crypto.KeyType;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.crypto.SpecVectors;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutation fuzzing of every decoder: whatever the input, the only exception allowed is
 * {@link MalformedDataException}, and whatever decodes must re-encode to the input. Each run also checks that a
 * fair share of inputs was accepted, so the round-trip assertions are actually exercised.
 */
class DecoderFuzzTest {

    private static final int ITERATIONS = 20_000;
    private static final String NASTY_CHARS = "/:.%=-_+ 019aAbBzZuUQmlIO0\u00e9\u0000\n\ud800\u20ac~";
    private static final String BASE58_CHARS = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static final String[] MULTIADDRS = {
        "/ip4/127.0.0.1/tcp/4001/p2p/" + SpecVectors.ED25519_PEER_ID,
        "/ip4/1.2.3.4/udp/4001/quic-v1",
        "/ip6/2001:db8::1/udp/443/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TKmnJMBD2FHeUr0OLTU6Xa-i1Q6Ow",
        "/ip6zone/eth0/ip6/fe80::1/tcp/1/ws",
        "/dns4/example.com/tcp/443/wss/p2p/" + SpecVectors.SECP256K1_PEER_ID,
        "/dnsaddr/bootstrap.libp2p.io/p2p/" + SpecVectors.RSA_PEER_ID,
        "/ip4/203.0.113.7/tcp/4001/p2p/" + SpecVectors.ECDSA_PEER_ID + "/p2p-circuit/p2p/" + SpecVectors.ED25519_PEER_ID,
        "/unix/tmp/p2p.sock",
        "/ip6/::ffff:1.2.3.4/tcp/1/tls/sni/example.org/http",
        "/dns/x/udp/1/webrtc-direct",
    };

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void varintDecodersOnlyThrowMalformedDataAndRoundTrip() {
        List<byte[]> corpus = new ArrayList<>();
        for (long value : new long[] {0, 1, 127, 128, 255, 300, 16384, 1L << 35, Long.MAX_VALUE}) {
            corpus.add(Varint.encode(value));
        }
        int accepted = fuzzBytes(1, corpus, 12, input -> {
            long value = Varint.decode(input);
            assertArrayEquals(input, Varint.encode(value));
            ByteBuffer buffer = ByteBuffer.wrap(input);
            assertEquals(value, Varint.decode(buffer));
            assertEquals(input.length, buffer.position());
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void base58DecoderOnlyThrowsMalformedDataAndRoundTrips() {
        List<String> corpus = new ArrayList<>(List.of(SpecVectors.ED25519_PEER_ID, SpecVectors.RSA_PEER_ID, "1112"));
        int accepted = fuzzText(2, corpus, BASE58_CHARS + NASTY_CHARS,
                input -> assertEquals(input, Base58.encode(Base58.decode(input))));
        assertFairShareAccepted(accepted);
    }

    @Test
    void base32DecoderOnlyThrowsMalformedDataAndRoundTrips() {
        List<String> corpus = new ArrayList<>();
        Random random = new Random(3);
        for (int length = 0; length < 12; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            corpus.add(Base32.encode(data));
        }
        int accepted = fuzzText(3, corpus, "abcdefghijklmnopqrstuvwxyz234567ABC" + NASTY_CHARS,
                input -> assertTrue(input.equalsIgnoreCase(Base32.encode(Base32.decode(input)))));
        assertFairShareAccepted(accepted);
    }

    @Test
    void multibaseDecoderOnlyThrowsMalformedDataAndRoundTrips() {
        byte[] data = "multibase fuzz".getBytes(StandardCharsets.UTF_8);
        List<String> corpus = new ArrayList<>();
        for (Multibase.Encoding encoding : Multibase.Encoding.values()) {
            corpus.add(Multibase.encode(encoding, data));
            corpus.add(Multibase.encode(encoding, new byte[] {0, 1}));
        }
        int accepted = fuzzText(4, corpus, BASE58_CHARS + "-_" + NASTY_CHARS, input -> {
            byte[] decoded = Multibase.decode(input);
            assertEquals(input, Multibase.encode(Multibase.encodingOf(input), decoded));
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void multihashDecodersOnlyThrowMalformedDataAndRoundTrip() {
        List<byte[]> corpus = List.of(Multihash.sha256(new byte[0]).encode(),
                Multihash.identity(new byte[] {1, 2, 3}).encode(), new Multihash(0x13, new byte[64]).encode(),
                PeerId.parse(SpecVectors.ED25519_PEER_ID).bytes());
        int accepted = fuzzBytes(5, corpus, 40, input -> {
            assertArrayEquals(input, Multihash.decode(input).encode());
            ByteBuffer buffer = ByteBuffer.wrap(input);
            Multihash prefix = Multihash.decode(buffer);
            assertArrayEquals(Arrays.copyOf(input, buffer.position()), prefix.encode());
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void publicKeyUnmarshalOnlyThrowsMalformedDataAndRoundTrips() {
        List<byte[]> corpus = List.of(SpecVectors.bytes(SpecVectors.ED25519_PUBLIC),
                SpecVectors.bytes(SpecVectors.SECP256K1_PUBLIC), SpecVectors.bytes(SpecVectors.ECDSA_PUBLIC),
                SpecVectors.bytes(SpecVectors.RSA_PUBLIC));
        int accepted = fuzzBytes(6, corpus, 40, input -> {
            PublicKey key = PublicKey.unmarshal(input);
            assertArrayEquals(input, key.marshal());
            assertEquals(key, PublicKey.fromRaw(key.type(), key.raw()));
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void privateKeyUnmarshalOnlyThrowsMalformedDataAndRoundTrips() {
        String ed25519Data = SpecVectors.ED25519_PRIVATE.substring(8);
        List<byte[]> corpus = List.of(SpecVectors.bytes(SpecVectors.ED25519_PRIVATE),
                SpecVectors.bytes("08011260" + ed25519Data + ed25519Data.substring(64)),
                SpecVectors.bytes(SpecVectors.SECP256K1_PRIVATE), SpecVectors.bytes(SpecVectors.ECDSA_PRIVATE));
        int accepted = fuzzBytes(7, corpus, 40, input -> {
            PrivateKey key = PrivateKey.unmarshal(input);
            byte[] expected = input;
            if (key.type() == KeyType.ED25519 && input.length == 4 + 96) {
                // The legacy 96-byte form is normalised to seed || public key.
                expected = SpecVectors.bytes("08011240" + HEX.formatHex(input, 4, 4 + 64));
            }
            assertArrayEquals(expected, key.marshal());
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void peerIdFromBytesOnlyThrowsMalformedDataAndRoundTrips() {
        List<byte[]> corpus = new ArrayList<>();
        for (String id : new String[] {SpecVectors.ED25519_PEER_ID, SpecVectors.SECP256K1_PEER_ID,
                SpecVectors.ECDSA_PEER_ID, SpecVectors.RSA_PEER_ID}) {
            corpus.add(PeerId.parse(id).bytes());
        }
        int accepted = fuzzBytes(8, corpus, 40, input -> {
            PeerId id = PeerId.fromBytes(input);
            assertArrayEquals(input, id.bytes());
            assertEquals(id, PeerId.parse(id.toBase58()));
            assertEquals(id, PeerId.parse(id.toCidString()));
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void peerIdParseOnlyThrowsMalformedDataAndRoundTrips() {
        List<String> corpus = new ArrayList<>();
        for (String id : new String[] {SpecVectors.ED25519_PEER_ID, SpecVectors.SECP256K1_PEER_ID,
                SpecVectors.ECDSA_PEER_ID, SpecVectors.RSA_PEER_ID}) {
            PeerId peer = PeerId.parse(id);
            corpus.add(id);
            corpus.add(peer.toCidString());
            corpus.add(peer.toCidString(Multibase.Encoding.BASE58BTC));
        }
        int accepted = fuzzText(9, corpus, BASE58_CHARS + NASTY_CHARS, input -> {
            PeerId id = PeerId.parse(input);
            boolean legacy = input.startsWith("1") || input.startsWith("Qm");
            assertEquals(input, legacy ? id.toBase58() : id.toCidString(Multibase.encodingOf(input)));
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void multiaddrFromBytesOnlyThrowsMalformedDataAndRoundTrips() {
        List<byte[]> corpus = new ArrayList<>();
        for (String text : MULTIADDRS) {
            corpus.add(Multiaddr.parse(text).bytes());
        }
        int accepted = fuzzBytes(10, corpus, 24, input -> {
            Multiaddr address = Multiaddr.fromBytes(input);
            assertArrayEquals(input, address.bytes());
            assertEquals(address, Multiaddr.parse(address.toString()));
        });
        assertFairShareAccepted(accepted);
    }

    @Test
    void multiaddrParseOnlyThrowsMalformedDataAndRoundTrips() {
        int accepted = fuzzText(11, List.of(MULTIADDRS), BASE58_CHARS + NASTY_CHARS, input -> {
            Multiaddr address = Multiaddr.parse(input);
            assertEquals(address, Multiaddr.fromBytes(address.bytes()));
            Multiaddr reparsed = Multiaddr.parse(address.toString());
            assertEquals(address, reparsed);
            assertEquals(address.toString(), reparsed.toString());
        });
        assertFairShareAccepted(accepted);
    }

    /** At least 2% of inputs decoded: unmodified corpus entries and harmless mutations. */
    private static void assertFairShareAccepted(int accepted) {
        assertTrue(accepted > ITERATIONS / 50, "only " + accepted + " of " + ITERATIONS + " inputs decoded");
    }

    private static int fuzzBytes(long seed, List<byte[]> corpus, int maxRandomLength, Consumer<byte[]> check) {
        Random random = new Random(seed);
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input;
            int mode = random.nextInt(10);
            if (mode == 0) {
                input = new byte[random.nextInt(maxRandomLength + 1)];
                random.nextBytes(input);
            } else {
                input = corpus.get(random.nextInt(corpus.size())).clone();
                for (int m = mode == 1 ? 0 : 1 + random.nextInt(3); m > 0; m--) {
                    input = mutate(random, input);
                }
            }
            if (run(check, input, HEX::formatHex)) {
                accepted++;
            }
        }
        return accepted;
    }

    private static int fuzzText(long seed, List<String> corpus, String alphabet, Consumer<String> check) {
        Random random = new Random(seed);
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String input;
            int mode = random.nextInt(10);
            if (mode == 0) {
                StringBuilder text = new StringBuilder();
                for (int k = random.nextInt(40); k > 0; k--) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                input = text.toString();
            } else {
                input = corpus.get(random.nextInt(corpus.size()));
                for (int m = mode == 1 ? 0 : 1 + random.nextInt(3); m > 0; m--) {
                    input = mutate(random, input, alphabet);
                }
            }
            if (run(check, input, text -> "'" + text + "'")) {
                accepted++;
            }
        }
        return accepted;
    }

    /** Runs one check; true if the input decoded, false if it was rejected as malformed. */
    private static <T> boolean run(Consumer<T> check, T input, Function<T, String> show) {
        try {
            check.accept(input);
            return true;
        } catch (MalformedDataException expected) {
            return false;
        } catch (AssertionError e) {
            throw new AssertionError("round trip failed for input " + show.apply(input) + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            return fail("decoder threw " + e + " for input " + show.apply(input), e);
        }
    }

    private static byte[] mutate(Random random, byte[] input) {
        int position = input.length == 0 ? 0 : random.nextInt(input.length);
        switch (random.nextInt(6)) {
            case 0: {
                if (input.length > 0) {
                    input[position] ^= (byte) (1 << random.nextInt(8));
                }
                return input;
            }
            case 1:
                return Arrays.copyOf(input, position);
            case 2: {
                byte[] out = new byte[input.length + 1];
                System.arraycopy(input, 0, out, 0, position);
                out[position] = (byte) random.nextInt(256);
                System.arraycopy(input, position, out, position + 1, input.length - position);
                return out;
            }
            case 3: {
                if (input.length == 0) {
                    return input;
                }
                byte[] out = new byte[input.length - 1];
                System.arraycopy(input, 0, out, 0, position);
                System.arraycopy(input, position + 1, out, position, input.length - position - 1);
                return out;
            }
            case 4: {
                if (input.length > 0) {
                    byte[] special = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xff, 0x2f, 0x12, 0x20};
                    input[position] = special[random.nextInt(special.length)];
                }
                return input;
            }
            default: {
                int length = input.length - position == 0 ? 0 : random.nextInt(input.length - position);
                byte[] out = Arrays.copyOf(input, input.length + length);
                System.arraycopy(input, position, out, input.length, length);
                return out;
            }
        }
    }

    private static String mutate(Random random, String input, String alphabet) {
        int position = input.isEmpty() ? 0 : random.nextInt(input.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(5)) {
            case 0:
                return input.isEmpty() ? input : input.substring(0, position) + c + input.substring(position + 1);
            case 1:
                return input.substring(0, position);
            case 2:
                return input.substring(0, position) + c + input.substring(position);
            case 3:
                return input.isEmpty() ? input : input.substring(0, position) + input.substring(position + 1);
            default:
                return input.isEmpty() ? input : input.substring(0, position)
                        + (Character.isUpperCase(input.charAt(position))
                                ? Character.toLowerCase(input.charAt(position))
                                : Character.toUpperCase(input.charAt(position)))
                        + input.substring(position + 1);
        }
    }
}
