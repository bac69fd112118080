package io.meshwork.libp2p.api.pubsub;

/**
 * The outcome of {@link PubSub#publish}.
 *
 * @param messageId the message id (the accessor returns a copy)
 * @param peers how many peers the message was queued to
 */
public record PublishResult(byte[] messageId, int peers) {

    public PublishResult {
        messageId = messageId.clone();
    }

    @Override
    public byte[] messageId() {
        return messageId.clone();
    }
}
