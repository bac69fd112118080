package io.meshwork.libp2p.core.internal.identify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdentifyMessageTest {

    private static final HexFormat HEX = HexFormat.of();
    /** The Ed25519 public key test vector of the peer-ids spec (a marshalled PublicKey, 36 bytes). */
    private static final String KEY_HEX = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private static final PublicKey KEY = PublicKey.unmarshal(HEX.parseHex(KEY_HEX));
    private static final Multiaddr LISTEN = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    private static final Multiaddr OBSERVED = Multiaddr.parse("/ip4/1.2.3.4/tcp/5");

    private static String utf8Hex(String text) {
        return HEX.formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Computed by hand from the field numbers (tag = field << 3 | 2, all fields length-delimited):
     * <pre>
     * 0a 24 &lt;36-byte PublicKey&gt;                        1 publicKey
     * 12 08 04 7f000001 06 0fa1                        2 listenAddrs  /ip4/127.0.0.1/tcp/4001
     * 1a 0e "/ipfs/id/1.0.0"                           3 protocols
     * 1a 10 "/ipfs/ping/1.0.0"                         3 protocols
     * 22 08 04 01020304 06 0005                        4 observedAddr /ip4/1.2.3.4/tcp/5
     * 2a 0a "ipfs/0.1.0"                               5 protocolVersion
     * 32 0c "meshwork/0.1"                             6 agentVersion
     * 42 02 01 02                                      8 signedPeerRecord (opaque here)
     * </pre>
     */
    private static final String VECTOR = "0a24" + KEY_HEX
            + "1208" + "047f000001060fa1"
            + "1a0e" + utf8Hex("/ipfs/id/1.0.0")
            + "1a10" + utf8Hex("/ipfs/ping/1.0.0")
            + "2208" + "0401020304060005"
            + "2a0a" + utf8Hex("ipfs/0.1.0")
            + "320c" + utf8Hex("meshwork/0.1")
            + "4202" + "0102";

    private static IdentifyMessage full() {
        return new IdentifyMessage("ipfs/0.1.0", "meshwork/0.1", KEY, List.of(LISTEN), OBSERVED,
                List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"), new byte[] {1, 2});
    }

    private static IdentifyMessage empty() {
        return new IdentifyMessage(null, null, null, List.of(), null, List.of(), null);
    }

    @Test
    void encodesTheHandComputedVector() {
        assertEquals(VECTOR, HEX.formatHex(full().encode()));
    }

    @Test
    void decodesTheHandComputedVector() {
        IdentifyMessage decoded = IdentifyMessage.decode(HEX.parseHex(VECTOR));
        assertEquals(full(), decoded);
        assertEquals(0, decoded.skippedEntries());
    }

    @Test
    void anEmptyMessageIsZeroBytesAndBack() {
        assertEquals(0, empty().encode().length);
        IdentifyMessage decoded = IdentifyMessage.decode(new byte[0]);
        assertEquals(empty(), decoded);
        assertNull(decoded.signedPeerRecord());
    }

    @Test
    void emptyStringsAndBytesArePresentNotAbsent() {
        IdentifyMessage message = new IdentifyMessage("", "", null, List.of(), null, List.of(""), new byte[0]);
        assertEquals("1a00" + "2a00" + "3200" + "4200", HEX.formatHex(message.encode()));
        assertEquals(message, IdentifyMessage.decode(message.encode()));
    }

    @Test
    void roundTripsManyEntries() {
        List<Multiaddr> addrs = new ArrayList<>();
        List<String> protocols = new ArrayList<>();
        for (int i = 0; i < IdentifyMessage.MAX_LISTEN_ADDRS; i++) {
            addrs.add(Multiaddr.parse("/ip4/10.0.0." + (i % 250) + "/udp/" + (4000 + i) + "/quic-v1"));
        }
        for (int i = 0; i < IdentifyMessage.MAX_PROTOCOLS; i++) {
            protocols.add("/p/" + i);
        }
        IdentifyMessage message = new IdentifyMessage("/v", "caf\u00e9/1", KEY, addrs, OBSERVED, protocols,
                new byte[2000]);
        assertEquals(message, IdentifyMessage.decode(message.encode()));
    }

    @Test
    void unknownFieldsAreSkipped() {
        String unknown = "3a03616263" // field 7, LEN
                + "4801" // field 9, varint
                + "a50101020304" // field 20, fixed32
                + "a901" + "0102030405060708"; // field 21, fixed64
        IdentifyMessage decoded = IdentifyMessage.decode(HEX.parseHex(unknown + VECTOR + unknown));
        assertEquals(full(), decoded);
    }

    @Test
    void unusableAddressesAndKeysAreSkippedAndCounted() {
        String hex = "1202" + "4000" // unknown multiaddr protocol code 0x40
                + "1208" + "047f000001060fa1" // fine
                + "1203" + "047f00" // truncated ip4
                + "2201" + "ff" // unusable observed address
                + "0a03" + "080112" // unusable public key
                + "1a0e" + utf8Hex("/ipfs/id/1.0.0");
        IdentifyMessage decoded = IdentifyMessage.decode(HEX.parseHex(hex));
        assertEquals(List.of(LISTEN), decoded.listenAddrs());
        assertNull(decoded.observedAddr());
        assertNull(decoded.publicKey());
        assertEquals(List.of("/ipfs/id/1.0.0"), decoded.protocols());
        assertEquals(4, decoded.skippedEntries());
    }

    @Test
    void anUnusableRepeatOfAnOptionalFieldKeepsTheEarlierValue() {
        String hex = "2208" + "0401020304060005" + "2201" + "ff" + "0a24" + KEY_HEX + "0a01" + "00";
        IdentifyMessage decoded = IdentifyMessage.decode(HEX.parseHex(hex));
        assertEquals(OBSERVED, decoded.observedAddr());
        assertEquals(KEY, decoded.publicKey());
        assertEquals(2, decoded.skippedEntries());
    }

    @Test
    void listenAddressesBeyondTheLimitAreSkippedAndCounted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < IdentifyMessage.MAX_LISTEN_ADDRS + 5; i++) {
            out.writeBytes(HEX.parseHex("1208047f000001060fa1"));
        }
        IdentifyMessage decoded = IdentifyMessage.decode(out.toByteArray());
        assertEquals(IdentifyMessage.MAX_LISTEN_ADDRS, decoded.listenAddrs().size());
        assertEquals(5, decoded.skippedEntries());
    }

    @Test
    void moreThanTheMaximumNumberOfProtocolsFails() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i <= IdentifyMessage.MAX_PROTOCOLS; i++) {
            out.writeBytes(HEX.parseHex("1a022f70"));
        }
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> IdentifyMessage.decode(out.toByteArray()));
        assertTrue(e.getMessage().contains("more than 1000 protocols"), e.getMessage());
    }

    @Test
    void violationsOfTheBoundsOrTheFormatFail() {
        String longString = "2a" + "8108" + "61".repeat(1025);
        for (String hex : new String[] {
            longString,               // protocolVersion longer than 1024 bytes
            "1a02c328",               // protocol with invalid UTF-8
            "3202fffe",               // agentVersion with invalid UTF-8
            "2801",                   // protocolVersion with varint wire type
            "1a05616263",             // truncated
            "1b",                     // group wire type
            "0000",                   // field 0
            "1a8100",                 // non-minimal length
        }) {
            assertThrows(MalformedDataException.class, () -> IdentifyMessage.decode(HEX.parseHex(hex)), hex);
        }
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> IdentifyMessage.decode(new byte[IdentifyMessage.MAX_SIZE + 1]));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void theConstructorEnforcesTheSameBounds() {
        assertThrows(IllegalArgumentException.class, () -> new IdentifyMessage("x".repeat(1025), null, null,
                List.of(), null, List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new IdentifyMessage(null, null, null,
                Collections.nCopies(IdentifyMessage.MAX_LISTEN_ADDRS + 1, LISTEN), null, List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new IdentifyMessage(null, null, null, List.of(), null,
                Collections.nCopies(IdentifyMessage.MAX_PROTOCOLS + 1, "/p"), null));
    }

    @Test
    void encodingRefusesToExceedWhatAPeerWouldAccept() {
        IdentifyMessage huge = new IdentifyMessage(null, null, null, List.of(), null, List.of(),
                new byte[IdentifyMessage.MAX_SIZE]);
        assertThrows(IllegalStateException.class, huge::encode);
    }

    @Test
    void mergesGoStyleTwoPartResponses() {
        // go sends everything but the signed record first, then a message with only the record.
        IdentifyMessage first = new IdentifyMessage("ipfs/0.1.0", "meshwork/0.1", KEY, List.of(LISTEN), OBSERVED,
                List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"), null);
        IdentifyMessage second = new IdentifyMessage(null, null, null, List.of(), null, List.of(),
                new byte[] {1, 2});
        IdentifyMessage merged = IdentifyMessage.decode(first.encode()).merge(IdentifyMessage.decode(second.encode()));
        assertEquals(full(), merged);
    }

    @Test
    void mergeConcatenatesRepeatedFieldsAndTakesTheLatestNonEmptyOptionalValue() {
        Multiaddr other = Multiaddr.parse("/ip4/5.6.7.8/tcp/9");
        IdentifyMessage a = new IdentifyMessage("v1", "agent/1", KEY, List.of(LISTEN), OBSERVED, List.of("/a"),
                new byte[] {1}, 2);
        IdentifyMessage b = new IdentifyMessage("", "agent/2", null, List.of(other), other, List.of("/b"),
                new byte[0], 3);
        IdentifyMessage merged = a.merge(b);
        assertEquals("v1", merged.protocolVersion(), "an empty later value does not replace");
        assertEquals("agent/2", merged.agentVersion());
        assertEquals(KEY, merged.publicKey());
        assertEquals(List.of(LISTEN, other), merged.listenAddrs());
        assertEquals(other, merged.observedAddr());
        assertEquals(List.of("/a", "/b"), merged.protocols());
        assertArrayEquals(new byte[] {1}, merged.signedPeerRecord());
        assertEquals(5, merged.skippedEntries());
    }

    @Test
    void mergeCapsTheListsAndCountsTheExcess() {
        IdentifyMessage many = new IdentifyMessage(null, null, null,
                Collections.nCopies(IdentifyMessage.MAX_LISTEN_ADDRS, LISTEN), null,
                Collections.nCopies(IdentifyMessage.MAX_PROTOCOLS, "/p"), null);
        IdentifyMessage merged = many.merge(many);
        assertEquals(IdentifyMessage.MAX_LISTEN_ADDRS, merged.listenAddrs().size());
        assertEquals(IdentifyMessage.MAX_PROTOCOLS, merged.protocols().size());
        assertEquals(IdentifyMessage.MAX_LISTEN_ADDRS + IdentifyMessage.MAX_PROTOCOLS, merged.skippedEntries());
    }

    @Test
    void signedPeerRecordIsCopiedInAndOut() {
        byte[] record = {7, 7};
        IdentifyMessage message = new IdentifyMessage(null, null, null, List.of(), null, List.of(), record);
        record[0] = 0;
        byte[] out = message.signedPeerRecord();
        out[1] = 0;
        assertArrayEquals(new byte[] {7, 7}, message.signedPeerRecord());
    }

    @Test
    void fuzzedInputsOnlyFailWithMalformedDataAndAcceptedOnesReencodeStably() {
        Random random = new Random(99);
        byte[] seed = HEX.parseHex(VECTOR);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (random.nextInt(10) == 0) {
                input = new byte[random.nextInt(80)];
                random.nextBytes(input);
            } else {
                input = seed.clone();
                for (int m = random.nextInt(4); m > 0; m--) {
                    input = mutate(random, input);
                }
            }
            IdentifyMessage decoded;
            try {
                decoded = IdentifyMessage.decode(input);
            } catch (MalformedDataException expected) {
                continue;
            }
            accepted++;
            IdentifyMessage reencoded = IdentifyMessage.decode(decoded.encode());
            assertEquals(withoutSkipped(decoded), reencoded, HEX.formatHex(input));
        }
        assertTrue(accepted > 2000, "only " + accepted + " inputs were accepted");
    }

    private static IdentifyMessage withoutSkipped(IdentifyMessage m) {
        return new IdentifyMessage(m.protocolVersion(), m.agentVersion(), m.publicKey(), m.listenAddrs(),
                m.observedAddr(), m.protocols(), m.signedPeerRecord());
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
