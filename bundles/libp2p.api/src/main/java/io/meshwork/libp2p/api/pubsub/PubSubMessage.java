package io.meshwork.libp2p.api.pubsub;

import io.meshwork.libp2p.api.peer.PeerId;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * A message on a topic, as delivered to listeners and validators. Immutable: the byte arrays are private copies
 * and the accessors return copies.
 *
 * @param topic the topic
 * @param author the Peer ID in the message's {@code from} field; null for unsigned (StrictNoSign) messages
 * @param sequenceNumber the author's sequence number; null for unsigned messages
 * @param receivedFrom the peer that forwarded it to this node (this node itself for local publications)
 */
public record PubSubMessage(String topic, byte[] data, @Nullable PeerId author, @Nullable Long sequenceNumber,
        byte[] messageId, PeerId receivedFrom) {

    public PubSubMessage {
        data = data.clone();
        messageId = messageId.clone();
    }

    /** The payload (a copy). */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The network-wide message id (a copy), as the configured message-id function computed it. */
    @Override
    public byte[] messageId() {
        return messageId.clone();
    }

    /** The payload length, without copying it. */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PubSubMessage m && topic.equals(m.topic) && Arrays.equals(messageId, m.messageId)
                && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return topic.hashCode() * 31 + Arrays.hashCode(messageId);
    }

    @Override
    public String toString() {
        return "PubSubMessage[topic=" + topic + ", id=" + HexFormat.of().formatHex(messageId) + ", " + data.length
                + " bytes, author=" + author + ", seqno=" + sequenceNumber + ", from=" + receivedFrom + "]";
    }
}
