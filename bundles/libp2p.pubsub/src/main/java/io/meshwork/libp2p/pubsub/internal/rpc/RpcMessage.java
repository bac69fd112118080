package io.meshwork.libp2p.pubsub.internal.rpc;

import org.jspecify.annotations.Nullable;

/**
 * A pubsub {@code Message} exactly as on the wire: every field keeps its presence (null = absent), because
 * signatures cover the canonical re-encoding and StrictNoSign requires fields to be absent, not empty. The arrays
 * are owned by the record: never modify them.
 *
 * @param from the author's Peer ID bytes
 * @param data the payload
 * @param seqno the author's sequence number, 8 bytes big-endian by convention
 * @param topic the topic; null only in malformed messages (the router drops those)
 * @param signature the author's signature over {@code "libp2p-pubsub:" ‖ encoding without signature and key}
 * @param key the author's protobuf public key, only when it cannot be read from {@code from}
 */
public record RpcMessage(byte @Nullable [] from, byte @Nullable [] data, byte @Nullable [] seqno,
        @Nullable String topic, byte @Nullable [] signature, byte @Nullable [] key) {

    /** The payload length (0 if absent). */
    public int dataLength() {
        return data == null ? 0 : data.length;
    }
}
