package io.meshwork.libp2p.pubsub.internal.rpc;

import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.HEX;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.describe;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.hex;
import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Graft;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IDontWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IHave;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.PeerInfo;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Prune;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc.SubOpts;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RpcCodecTest {

    // Hand-assembled from rpc.proto: tag = field << 3 | wire type (0 varint, 2 length-delimited).
    private static final String SUBSCRIPTION = "0a 05" + "08 01" + "12 01 74"; // subscribe=true, topicid "t"
    private static final String MESSAGE_CONTENT = "0a 02 0102" // from
            + "12 01 ff" // data
            + "1a 08 0000000000000001" // seqno
            + "22 01 74" // topic "t"
            + "2a 01 aa" // signature
            + "32 01 bb"; // key
    private static final String MESSAGE = "12 1a" + MESSAGE_CONTENT; // 26 bytes
    private static final String CONTROL = "1a 2c"
            + "0a 0a" + "0a 01 74" + "12 01 c1" + "12 02 c2c3" // ihave t [c1, c2c3]
            + "12 03" + "0a 01 d1" // iwant [d1]
            + "1a 03" + "0a 01 74" // graft t
            + "22 0e" + "0a 01 74" + "12 07 0a01e1 1202e2e3" + "18 3c" // prune t, PX (e1, record e2e3), 60 s
            + "2a 04" + "0a 02 f1f2"; // idontwant [f1f2]
    private static final byte[] VECTOR = hex(SUBSCRIPTION, MESSAGE, CONTROL);

    static Rpc vectorRpc() {
        RpcMessage message = new RpcMessage(hex("0102"), hex("ff"), hex("0000000000000001"), "t", hex("aa"),
                hex("bb"));
        ControlMessage control = new ControlMessage(
                List.of(new IHave("t", List.of(id("c1"), id("c2c3")))),
                List.of(new IWant(List.of(id("d1")))),
                List.of(new Graft("t")),
                List.of(new Prune("t", List.of(new PeerInfo(hex("e1"), hex("e2e3"))), 60L)),
                List.of(new IDontWant(List.of(id("f1f2")))));
        return new Rpc(List.of(new SubOpts(true, "t")), List.of(message), control);
    }

    @Test
    void encodesEveryFieldExactlyAsHandAssembledFromTheSchema() {
        assertEquals(81, VECTOR.length);
        assertEquals(HEX.formatHex(VECTOR), HEX.formatHex(RpcCodec.encode(vectorRpc())));
    }

    @Test
    void decodesTheHandAssembledVectorIntoEveryField() {
        assertEquals(describe(vectorRpc()), describe(RpcCodec.decode(VECTOR, RpcLimits.DEFAULTS)));
    }

    @Test
    void encodesMultiByteLengthsUnsubscribeBackoffAndNonAsciiExactly() {
        byte[] data = new byte[200];
        Arrays.fill(data, (byte) 7);
        String topic = "\u00e9\u20ac\ud834\udd1e"; // 2-, 3- and 4-byte UTF-8 sequences
        Rpc rpc = new Rpc(List.of(new SubOpts(false, topic)),
                List.of(new RpcMessage(null, data, null, null, null, null)),
                new ControlMessage(List.of(), List.of(), List.of(), List.of(new Prune("", List.of(), 300L)),
                        List.of()));
        String topicBytes = "c3a9 e282ac f09d849e";
        String expected = "0a 0d 0800 12 09" + topicBytes
                + "12 cb01 12 c801" + "07".repeat(200)
                + "1a 07 22 05 0a00 18ac02";
        assertEquals(HEX.formatHex(hex(expected)), HEX.formatHex(RpcCodec.encode(rpc)));
        assertEquals(describe(rpc), describe(RpcCodec.decode(hex(expected), RpcLimits.DEFAULTS)));
    }

    @Test
    void encodesAMessageAloneAndItsSignedBytesWithoutSignatureAndKey() {
        RpcMessage message = vectorRpc().publish().get(0);
        assertArrayEquals(hex(MESSAGE_CONTENT), RpcCodec.encodeMessage(message));
        byte[] prefix = "libp2p-pubsub:".getBytes(StandardCharsets.UTF_8);
        byte[] fields = hex("0a 02 0102 12 01 ff 1a 08 0000000000000001 22 01 74");
        byte[] expected = Arrays.copyOf(prefix, prefix.length + fields.length);
        System.arraycopy(fields, 0, expected, prefix.length, fields.length);
        assertArrayEquals(expected, RpcCodec.signedBytes(message));
        assertEquals("libp2p-pubsub:", new String(RpcCodec.signedBytes(
                new RpcMessage(null, null, null, null, hex("aa"), hex("bb"))), StandardCharsets.UTF_8));
    }

    @Test
    void fieldSizesAddUpToTheEncodingWithoutEncoding() {
        Rpc rpc = vectorRpc();
        assertEquals(7, RpcCodec.subscriptionFieldSize(rpc.subscriptions().get(0)));
        assertEquals(28, RpcCodec.messageFieldSize(rpc.publish().get(0)));
        ControlMessage control = rpc.control();
        assertEquals(46, RpcCodec.controlFieldSize(control));
        assertEquals(81, RpcCodec.encodedSize(rpc));
        int records = RpcCodec.ihaveFieldSize(control.ihave().get(0)) + RpcCodec.iwantFieldSize(control.iwant().get(0))
                + RpcCodec.graftFieldSize(control.graft().get(0)) + RpcCodec.pruneFieldSize(control.prune().get(0))
                + RpcCodec.idontwantFieldSize(control.idontwant().get(0));
        assertEquals(12 + 5 + 5 + 16 + 6, records);
        assertEquals(RpcCodec.controlFieldSize(control), RpcCodec.lengthDelimitedFieldSize(records));
        assertEquals(4, RpcCodec.messageIdFieldSize(id("c2c3")));
        assertEquals(3 + 300, RpcCodec.lengthDelimitedFieldSize(300)); // two-byte length prefix
        assertEquals(0, RpcCodec.encodedSize(Rpc.EMPTY));
        assertEquals(0, RpcCodec.encode(Rpc.EMPTY).length);
    }

    @Test
    void keepsAbsentAndEmptyFieldsApart() {
        RpcMessage absent = new RpcMessage(null, null, null, null, null, null);
        RpcMessage empty = new RpcMessage(new byte[0], new byte[0], new byte[0], "", new byte[0], new byte[0]);
        Prune noBackoff = new Prune("t", List.of(new PeerInfo(null, null)), null);
        Prune zeroBackoff = new Prune("t", List.of(new PeerInfo(new byte[0], new byte[0])), 0L);
        Rpc rpc = new Rpc(List.of(), List.of(absent, empty), new ControlMessage(List.of(), List.of(), List.of(),
                List.of(noBackoff, zeroBackoff), List.of()));
        byte[] encoded = RpcCodec.encode(rpc);
        assertEquals(HEX.formatHex(hex("12 00", "12 0c 0a00 1200 1a00 2200 2a00 3200",
                "1a 14", "22 05 0a0174 1200", "22 0b 0a0174 1204 0a00 1200 1800")), HEX.formatHex(encoded));
        Rpc decoded = RpcCodec.decode(encoded, RpcLimits.DEFAULTS);
        assertEquals(describe(rpc), describe(decoded));
        RpcMessage first = decoded.publish().get(0);
        assertNull(first.from());
        assertNull(first.data());
        assertNull(first.seqno());
        assertNull(first.topic());
        assertNull(first.signature());
        assertNull(first.key());
        assertEquals(0, decoded.publish().get(1).from().length);
        assertEquals("", decoded.publish().get(1).topic());
        assertNull(decoded.control().prune().get(0).backoffSeconds());
        assertEquals(0L, decoded.control().prune().get(1).backoffSeconds());
        assertNull(decoded.control().prune().get(0).peers().get(0).peerId());
        assertEquals(0, decoded.control().prune().get(1).peers().get(0).peerId().length);
    }

    @Test
    void readsAbsentSubscribeAsFalseAndAbsentControlTopicsAsEmpty() {
        Rpc rpc = RpcCodec.decode(hex("0a 03 1201 74", "1a 08 0a 02 1200 1a 00 22 00"), RpcLimits.DEFAULTS);
        assertFalse(rpc.subscriptions().get(0).subscribe());
        assertEquals("t", rpc.subscriptions().get(0).topic());
        assertEquals("", rpc.control().ihave().get(0).topic());
        assertEquals(List.of(MessageId.of(new byte[0])), rpc.control().ihave().get(0).messageIds());
        assertEquals("", rpc.control().graft().get(0).topic());
        assertEquals("", rpc.control().prune().get(0).topic());
        assertTrue(RpcCodec.decode(hex("0a 05 0802 1201 74"), RpcLimits.DEFAULTS).subscriptions().get(0).subscribe(),
                "proto2 reads any non-zero bool as true");
    }

    @Test
    void rejectsASubscriptionWithoutTopic() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex(SUBSCRIPTION, "0a 02 0801"), RpcLimits.DEFAULTS));
        assertEquals("pubsub RPC subscriptions[1]: missing topicid (field 2)", e.getMessage());
    }

    @Test
    void skipsUnknownFieldsAtEveryLevel() {
        String unknownOfEveryWireType = "78 05" + "7d 01020304" + "79 0102030405060708" + "7a 02 abcd"; // field 15
        byte[] withUnknowns = hex(
                "52 04 0a 02 0801", // RPC field 10: partial messages extension
                "0a 0b 08 01 12 01 74 18 01 20 01 3a 00", // SubOpts fields 3, 4 (requestsPartial...) and 7
                "12 1e", MESSAGE_CONTENT, "3a 02 abcd", // Message field 7
                "1a 17", "32 02 0a00", // ControlMessage field 6: extensions
                "0a 07 0a 01 74 1a 02 abcd", // IHave field 3
                "22 08 0a 01 74 12 03 1a 01 99", // PeerInfo field 3
                unknownOfEveryWireType);
        Rpc rpc = RpcCodec.decode(withUnknowns, RpcLimits.DEFAULTS);
        assertEquals(describe(new Rpc(List.of(new SubOpts(true, "t")), vectorRpc().publish(),
                new ControlMessage(List.of(new IHave("t", List.of())), List.of(), List.of(),
                        List.of(new Prune("t", List.of(new PeerInfo(null, null)), null)), List.of()))),
                describe(rpc));
        assertArrayEquals(hex(SUBSCRIPTION, MESSAGE, "1a 0c 0a 03 0a0174 22 05 0a0174 1200"), RpcCodec.encode(rpc),
                "re-encoding drops unknown fields");
    }

    @Test
    void mergesRepeatedControlFieldsAndKeepsTheLastOfARepeatedScalar() {
        Rpc rpc = RpcCodec.decode(hex("1a 02 1a 00", "12 06 22 01 61 22 01 62", "1a 05 1a 03 0a 01 74"),
                RpcLimits.DEFAULTS);
        assertEquals(List.of(new Graft(""), new Graft("t")), rpc.control().graft());
        assertEquals("b", rpc.publish().get(0).topic());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("0a", "truncated varint at offset 1"),
                Arguments.of("0a 05 0801", "length 5 at offset 1 exceeds the 2 remaining bytes"),
                Arguments.of("12 03 0a 05 01", "publish[0].from: length 5 at offset 3 exceeds the 1 remaining bytes"),
                Arguments.of("12 02 0a 05 0a0101", "publish[0].from: length 5 at offset 3 exceeds the 0 remaining"),
                Arguments.of("12 8000", "varint at offset 1 is not minimally encoded"),
                Arguments.of("8a00 00", "varint at offset 0 is not minimally encoded"),
                Arguments.of("02 00", "invalid field number 0 at offset 0"),
                Arguments.of("0b", "field 1 at offset 0 uses unsupported wire type 3"),
                Arguments.of("0c", "field 1 at offset 0 uses unsupported wire type 4"),
                Arguments.of("0e", "field 1 at offset 0 uses unsupported wire type 6"),
                Arguments.of("f8ffffff7f 00", "invalid field number"), // tag above 32 bits
                Arguments.of("78 ffffffffffffffffff02", "varint at offset 1 exceeds 64 bits"),
                Arguments.of("08 01", "field 1 at offset 0 has the wrong wire type 0"),
                Arguments.of("12 02 08 01", "publish[0]: field 1 at offset 2 has the wrong wire type 0"),
                Arguments.of("0a 02 0a 00", "subscriptions[0]: field 1 at offset 2 has the wrong wire type 2"),
                Arguments.of("1a 04 22 02 1a 00", "control.prune[0]: field 3 at offset 4 has the wrong wire type 2"),
                Arguments.of("1a 05 22 03 12 01 0b", "control.prune[0].peers[0]: field 1 at offset 6 uses unsupported"),
                Arguments.of("1a 04 0a 02 12 05", "control.ihave[0].messageIDs[0]: length 5 at offset 5 exceeds"),
                Arguments.of("7d 0102", "field 15 truncated at offset 1"),
                Arguments.of("79 01020304050607", "field 15 truncated at offset 1"),
                Arguments.of("7a ffffffff0f", "length 4294967295 at offset 1 exceeds the 0 remaining bytes"),
                Arguments.of("12 ffffffffffffffff7f", "length 9223372036854775807 at offset 1 exceeds"),
                Arguments.of("12 ffffffffffffffffff01", "length 18446744073709551615 at offset 1 exceeds"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsMalformedInputWithFieldAndOffset(String input, String expectedMessage) {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex(input), RpcLimits.DEFAULTS));
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
        assertTrue(e.getMessage().startsWith("pubsub RPC"), e.getMessage());
    }

    @Test
    void rejectsEveryTruncationOfTheVectorExceptAtTopLevelFieldBoundaries() {
        for (int length = 0; length < VECTOR.length; length++) {
            byte[] prefix = Arrays.copyOf(VECTOR, length);
            if (length == 0 || length == 7 || length == 35) {
                assertEquals(length == 0 ? 0 : length == 7 ? 1 : 2, RpcCodec.decode(prefix, RpcLimits.DEFAULTS)
                        .subscriptions().size() + RpcCodec.decode(prefix, RpcLimits.DEFAULTS).publish().size());
            } else {
                assertThrows(MalformedDataException.class, () -> RpcCodec.decode(prefix, RpcLimits.DEFAULTS),
                        "prefix of " + length + " bytes");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "bf", "c0 80", "c1 bf", "e0 80 80", "e0 9f bf", "ed a0 80", "ed bf bf", "f0 8f bf bf",
        "f4 90 80 80", "f5 80 80 80", "ff", "c3", "e2 82", "f0 9d 84", "c3 41", "e2 28 a1", "61 c3"})
    void rejectsMalformedUtf8InTopics(String bytes) {
        byte[] topic = hex(bytes);
        byte[] input = hex("12", HEX.toHexDigits((byte) (topic.length + 2)), "22", HEX.toHexDigits((byte) topic.length),
                bytes);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(input, RpcLimits.DEFAULTS));
        assertTrue(e.getMessage().startsWith("pubsub RPC publish[0].topic: malformed UTF-8 at offset "),
                e.getMessage());
        String length = HEX.toHexDigits((byte) topic.length);
        String field = HEX.toHexDigits((byte) (topic.length + 2));
        byte[] subscription = hex("0a", field, "12", length, bytes);
        assertThrows(MalformedDataException.class, () -> RpcCodec.decode(subscription, RpcLimits.DEFAULTS));
        byte[] graft = hex("1a", field, "0a", length, bytes);
        byte[] control = hex("1a", HEX.toHexDigits((byte) graft.length), HEX.formatHex(graft));
        MalformedDataException inGraft = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(control, RpcLimits.DEFAULTS));
        assertTrue(inGraft.getMessage().startsWith("pubsub RPC control.graft[0].topicID: malformed UTF-8"),
                inGraft.getMessage());
    }

    @Test
    void acceptsWellFormedUtf8AtTheEdgesOfEachRange() {
        String edges = "\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff";
        Rpc rpc = new Rpc(List.of(new SubOpts(true, edges)), List.of(), null);
        byte[] encoded = RpcCodec.encode(rpc);
        assertArrayEquals(hex("0a 1d 0801 12 19 7f c280 dfbf e0a080 ed9fbf ee8080 efbfbf f0908080 f48fbfbf"),
                encoded);
        assertArrayEquals(edges.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(encoded, 6, encoded.length));
        assertEquals(edges, RpcCodec.decode(encoded, RpcLimits.DEFAULTS).subscriptions().get(0).topic());
    }

    @Test
    void refusesToEncodeAnUnpairedSurrogate() {
        for (String topic : new String[] {"a\ud800", "\udc00b", "\ud800\ud800"}) {
            Rpc rpc = new Rpc(List.of(new SubOpts(true, topic)), List.of(), null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RpcCodec.encode(rpc));
            assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        }
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("maxSubscriptions", "0a 03 12 01 74", "subscriptions"),
                Arguments.of("maxMessages", "12 00", "publish"),
                Arguments.of("maxControlEntries", "1a 02 1a 00", "control"),
                Arguments.of("maxIHaveEntries", "1a 04 0a 02 12 00", "control.ihave[2].messageIDs"),
                Arguments.of("maxIWantIds", "1a 04 12 02 0a 00", "control.iwant[2].messageIDs"),
                Arguments.of("maxIDontWantIds", "1a 04 2a 02 0a 00", "control.idontwant[2].messageIDs"));
    }

    /** The defaults with the limit called {@code name} set to {@code value}. */
    private static RpcLimits with(String name, int value) {
        RpcLimits d = RpcLimits.DEFAULTS;
        return new RpcLimits(
                name.equals("maxSubscriptions") ? value : d.maxSubscriptions(),
                name.equals("maxMessages") ? value : d.maxMessages(),
                name.equals("maxControlEntries") ? value : d.maxControlEntries(),
                name.equals("maxIHaveEntries") ? value : d.maxIHaveEntries(),
                name.equals("maxIWantIds") ? value : d.maxIWantIds(),
                name.equals("maxIDontWantIds") ? value : d.maxIDontWantIds(),
                d.maxPeersPerPrune(), d.maxTopicLength(), d.maxMessageIdLength());
    }

    @ParameterizedTest
    @MethodSource("limits")
    void enforcesEachCountLimitAcrossTheWholeRpc(String name, String oneEntry, String path) {
        int max = 2;
        RpcLimits limits = with(name, max);
        byte[] atLimit = hex(oneEntry.repeat(max));
        RpcCodec.decode(atLimit, limits);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex(oneEntry.repeat(max + 1)), limits));
        assertTrue(e.getMessage().contains("RpcLimits." + name), e.getMessage());
        assertTrue(e.getMessage().startsWith("pubsub RPC " + path + ": more than " + max), e.getMessage());
    }

    @Test
    void countsMessageIdsOverAllRecordsOfOneKind() {
        RpcLimits limits = new RpcLimits(10, 10, 10, 3, 3, 3, 10, 10, 10);
        RpcCodec.decode(hex("1a 06 0a 04 1200 1200", "1a 04 0a 02 1200"), limits);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex("1a 06 0a 04 1200 1200", "1a 06 0a 04 1200 1200"), limits));
        assertTrue(e.getMessage().contains("more than 3 message ids in the IHAVE records of one RPC"), e.getMessage());
        RpcCodec.decode(hex("1a 0c", "12 04 0a00 0a00", "2a 04 0a00 0a00"), limits); // kinds counted apart
    }

    @Test
    void enforcesPeersPerPruneTopicLengthAndMessageIdLength() {
        RpcLimits limits = new RpcLimits(10, 10, 10, 10, 10, 10, 2, 3, 2);
        RpcCodec.decode(hex("1a 06 22 04 1200 1200", "0a 05 12 03 616263", "1a 06 12 04 0a02 0102"), limits);
        MalformedDataException peers = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex("1a 08 22 06 1200 1200 1200"), limits));
        assertEquals("pubsub RPC control.prune[0].peers: more than 2 peers (limit RpcLimits.maxPeersPerPrune)",
                peers.getMessage());
        MalformedDataException topic = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex("12 06 22 04 61626364"), limits));
        assertEquals("pubsub RPC publish[0].topic: 4-byte topic at offset 2 exceeds the limit of 3 bytes "
                + "(RpcLimits.maxTopicLength)", topic.getMessage());
        MalformedDataException id = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex("1a 0a 2a 08 0a 01 00 0a 03 010203"), limits));
        assertEquals("pubsub RPC control.idontwant[0].messageIDs[1]: 3-byte message id at offset 7 exceeds the "
                + "limit of 2 bytes (RpcLimits.maxMessageIdLength)", id.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RpcLimits(-1, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    void namesTheNestedFieldInErrors() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(hex(MESSAGE, "1a 07 22 05 12 03 0a 05 00"), RpcLimits.DEFAULTS));
        assertEquals("pubsub RPC control.prune[0].peers[0].peerID: length 5 at offset 35 exceeds the 1 remaining "
                + "bytes", e.getMessage());
    }

    @Test
    void decodesARangeOfALargerArrayWithOffsetsRelativeToIt() {
        byte[] framed = new byte[VECTOR.length + 5];
        System.arraycopy(VECTOR, 0, framed, 3, VECTOR.length);
        framed[0] = 0x0a; // garbage around the range
        assertEquals(describe(vectorRpc()), describe(RpcCodec.decode(framed, 3, VECTOR.length, RpcLimits.DEFAULTS)));
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> RpcCodec.decode(framed, 3, 4, RpcLimits.DEFAULTS));
        assertEquals("pubsub RPC subscriptions[0]: length 5 at offset 1 exceeds the 2 remaining bytes",
                e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> RpcCodec.decode(framed, 80, 10, RpcLimits.DEFAULTS));
    }

    @Test
    void nullsAnEmptyControlMessage() {
        Rpc rpc = RpcCodec.decode(hex("1a 00 1a 02 3200"), RpcLimits.DEFAULTS);
        assertNull(rpc.control());
        assertTrue(rpc.isEmpty());
    }
}
