package io.meshwork.libp2p.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Graft;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc.SubOpts;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcCodec;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcLimits;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcSplitterTest {

    private static RpcMessage message(int i, int size) {
        byte[] data = new byte[size];
        data[0] = (byte) i;
        return new RpcMessage(null, data, null, "t", null, null);
    }

    private static List<Rpc> split(Rpc rpc, int maxBytes) {
        List<Rpc> out = new ArrayList<>();
        for (byte[] part : RpcSplitter.encode(rpc, maxBytes)) {
            out.add(RpcCodec.decode(part, RpcLimits.DEFAULTS));
        }
        return out;
    }

    @Test
    void smallRpcStaysWhole() {
        Rpc rpc = new Rpc(List.of(new SubOpts(true, "t")), List.of(message(1, 10)), null);
        assertEquals(List.of(rpc.publish().size()), split(rpc, 64 * 1024).stream().map(r -> r.publish().size())
                .toList());
    }

    @Test
    void batchesAreCutBySizeAndByMessageCountAndKeepEverythingInOrder() {
        List<RpcMessage> messages = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            messages.add(message(i, i % 7 == 0 ? 2000 : 100));
        }
        Rpc rpc = new Rpc(List.of(new SubOpts(true, "t")), messages,
                new ControlMessage(List.of(), List.of(), List.of(new Graft("t")), List.of(), List.of()));
        List<Rpc> parts = split(rpc, 16 * 1024);
        assertEquals(1, parts.get(0).subscriptions().size());
        assertEquals(1, parts.get(0).control().graft().size());
        List<RpcMessage> rejoined = new ArrayList<>();
        for (Rpc part : parts) {
            assertTrue(part.publish().size() <= RpcSplitter.MAX_MESSAGES);
            assertTrue(RpcCodec.encodedSize(part) <= 16 * 1024 || part.publish().size() == 1);
            rejoined.addAll(part.publish());
        }
        assertEquals(1500, rejoined.size());
        for (int i = 0; i < 1500; i++) {
            assertEquals((byte) i, rejoined.get(i).data()[0]);
        }
        // many tiny messages: the count limit cuts
        List<RpcMessage> tiny = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            tiny.add(message(i, 1));
        }
        assertEquals(List.of(500, 500, 200), split(new Rpc(List.of(), tiny, null), 1 << 20).stream()
                .map(r -> r.publish().size()).toList());
    }

    @Test
    void aMessageLargerThanTheLimitGoesAlone() {
        Rpc rpc = new Rpc(List.of(), List.of(message(1, 10), message(2, 100_000), message(3, 10)), null);
        assertEquals(List.of(1, 1, 1), split(rpc, 1000).stream().map(r -> r.publish().size()).toList());
    }

    @Test
    void runsOfMessageOnlyRpcsMergeAndEverythingElseKeepsItsPlace() {
        RpcMessage x1 = message(1, 10);
        RpcMessage x2 = message(2, 10);
        RpcMessage x3 = message(3, 10);
        Rpc m1 = new Rpc(List.of(), List.of(x1), null);
        Rpc m2 = new Rpc(List.of(), List.of(x2, x3), null);
        Rpc sub = new Rpc(List.of(new SubOpts(true, "u")), List.of(message(4, 10)), null);
        Rpc m5 = new Rpc(List.of(), List.of(message(5, 10)), null);
        Rpc graft = new Rpc(List.of(), List.of(), new ControlMessage(List.of(), List.of(), List.of(new Graft("t")),
                List.of(), List.of()));
        List<Rpc> merged = PubSubImpl.mergeMessageRuns(List.of(m1, m2, sub, m5, graft, m1));
        assertEquals(List.of(new Rpc(List.of(), List.of(x1, x2, x3), null), sub, m5, graft, m1), merged);
        assertEquals(List.of(m1), PubSubImpl.mergeMessageRuns(List.of(m1)));
    }
}
