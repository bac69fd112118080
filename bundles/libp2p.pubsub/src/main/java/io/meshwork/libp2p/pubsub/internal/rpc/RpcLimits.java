package io.meshwork.libp2p.pubsub.internal.rpc;

/**
 * What {@link RpcCodec#decode(byte[], RpcLimits)} accepts in one RPC beyond the frame size (which the caller's
 * frame reader bounds). An RPC over any limit is rejected as a whole with a
 * {@link io.meshwork.libp2p.api.codec.MalformedDataException} naming the limit, and the caller closes the stream.
 * Counts are checked before anything is allocated for the entry, so a decoder's memory stays proportional to the
 * input and to these limits. Immutable.
 *
 * @param maxSubscriptions subscription changes ({@code SubOpts}) per RPC
 * @param maxMessages published messages per RPC
 * @param maxControlEntries IHAVE, IWANT, GRAFT, PRUNE and IDONTWANT records together per RPC
 * @param maxIHaveEntries message ids over all IHAVE records of an RPC (go sends at most 5000 per IHAVE record,
 *     one record per topic, so a peer gossiping on several busy topics can come close)
 * @param maxIWantIds message ids over all IWANT records of an RPC
 * @param maxIDontWantIds message ids over all IDONTWANT records of an RPC
 * @param maxPeersPerPrune peer-exchange entries in one PRUNE record
 * @param maxTopicLength UTF-8 bytes of any topic (subscriptions, messages, control records)
 * @param maxMessageIdLength bytes of any message id in IHAVE, IWANT or IDONTWANT
 */
public record RpcLimits(int maxSubscriptions, int maxMessages, int maxControlEntries, int maxIHaveEntries,
        int maxIWantIds, int maxIDontWantIds, int maxPeersPerPrune, int maxTopicLength, int maxMessageIdLength) {

    /**
     * 5000 subscriptions, 1000 messages, 100,000 control records and ids of each kind, 64 PX peers per PRUNE,
     * 1 KiB topics and 512-byte message ids. The id and control limits are generous on purpose: go allows 5000 ids
     * per IHAVE and batches one IHAVE per topic into an RPC, so a busy multi-topic peer can legitimately send more
     * than 5000 ids at once; the RPC size limit bounds them anyway, and the router asks for at most
     * {@code max_ihave_length} of them.
     */
    public static final RpcLimits DEFAULTS = new RpcLimits(5000, 1000, 100_000, 100_000, 100_000, 100_000, 64,
            1024, 512);

    /** @throws IllegalArgumentException if a limit is negative */
    public RpcLimits {
        requireNonNegative(maxSubscriptions, "maxSubscriptions");
        requireNonNegative(maxMessages, "maxMessages");
        requireNonNegative(maxControlEntries, "maxControlEntries");
        requireNonNegative(maxIHaveEntries, "maxIHaveEntries");
        requireNonNegative(maxIWantIds, "maxIWantIds");
        requireNonNegative(maxIDontWantIds, "maxIDontWantIds");
        requireNonNegative(maxPeersPerPrune, "maxPeersPerPrune");
        requireNonNegative(maxTopicLength, "maxTopicLength");
        requireNonNegative(maxMessageIdLength, "maxMessageIdLength");
    }

    private static void requireNonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException("RpcLimits." + name + " must not be negative, not " + value);
        }
    }
}
