package io.meshwork.libp2p.pubsub.internal.rpc;

import static io.meshwork.libp2p.pubsub.internal.rpc.RpcFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageIdFunctionTest {

    @Test
    void fromSeqnoConcatenatesTheRawBytes() {
        RpcMessage m = new RpcMessage(hex("0024aabb"), hex("ff"), hex("0000000000000001"), "t", hex("01"), null);
        assertEquals("0024aabb0000000000000001", MessageIdFunction.FROM_SEQNO.apply(m).toString());
        assertEquals("0024aabb", MessageIdFunction.FROM_SEQNO.apply(
                new RpcMessage(hex("0024aabb"), null, null, "t", null, null)).toString());
        assertEquals("0102", MessageIdFunction.FROM_SEQNO.apply(
                new RpcMessage(null, null, hex("0102"), "t", null, null)).toString());
        assertEquals(0, MessageIdFunction.FROM_SEQNO.apply(
                new RpcMessage(null, hex("ff"), null, null, null, null)).length());
    }

    @Test
    void dataSha256HashesOnlyTheData() {
        RpcMessage abc = new RpcMessage(hex("01"), "abc".getBytes(StandardCharsets.US_ASCII), hex("02"), "t", null,
                null);
        // FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                MessageIdFunction.DATA_SHA256.apply(abc).toString());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                MessageIdFunction.DATA_SHA256.apply(new RpcMessage(null, null, null, "t", null, null)).toString());
        assertEquals(MessageIdFunction.DATA_SHA256.apply(abc), MessageIdFunction.DATA_SHA256.apply(
                new RpcMessage(null, "abc".getBytes(StandardCharsets.US_ASCII), null, "other", null, null)));
    }

    @Test
    void mapsConfigurationNames() {
        assertSame(MessageIdFunction.FROM_SEQNO, MessageIdFunction.fromName("from-seqno"));
        assertSame(MessageIdFunction.DATA_SHA256, MessageIdFunction.fromName("sha256-data"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MessageIdFunction.fromName("FROM-SEQNO"));
        assertEquals("unknown message-id function 'FROM-SEQNO'; valid names are from-seqno and sha256-data",
                e.getMessage());
    }
}
