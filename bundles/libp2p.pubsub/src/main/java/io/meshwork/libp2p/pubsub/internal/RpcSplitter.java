package io.meshwork.libp2p.pubsub.internal;

import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcCodec;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes an RPC as one or more RPCs of at most {@code maxSize} bytes and {@link #MAX_MESSAGES} messages each, so
 * batching never makes an RPC a receiver refuses: subscriptions and control first, then the messages packed
 * greedily. A single message is never split, so a message larger than {@code maxSize} is sent alone and the
 * receiver's own limit decides.
 */
final class RpcSplitter {

    /** Messages per RPC at most: well below every implementation's per-RPC message limit (ours: 1000). */
    static final int MAX_MESSAGES = 500;

    private RpcSplitter() {
    }

    static List<byte[]> encode(Rpc rpc, int maxSize) {
        if (rpc.publish().size() <= MAX_MESSAGES && RpcCodec.encodedSize(rpc) <= maxSize) {
            return List.of(RpcCodec.encode(rpc));
        }
        List<byte[]> out = new ArrayList<>();
        Rpc head = new Rpc(rpc.subscriptions(), List.of(), rpc.control());
        if (!head.isEmpty()) {
            out.add(RpcCodec.encode(head));
        }
        List<RpcMessage> batch = new ArrayList<>();
        int size = 0;
        for (RpcMessage m : rpc.publish()) {
            int field = RpcCodec.messageFieldSize(m);
            if (!batch.isEmpty() && (size + field > maxSize || batch.size() == MAX_MESSAGES)) {
                out.add(RpcCodec.encode(new Rpc(List.of(), batch, null)));
                batch = new ArrayList<>();
                size = 0;
            }
            batch.add(m);
            size += field;
        }
        if (!batch.isEmpty()) {
            out.add(RpcCodec.encode(new Rpc(List.of(), batch, null)));
        }
        return out;
    }
}
