package io.meshwork.libp2p.pubsub.internal.rpc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Computes a message's id, the key of the seen cache, the message cache and IHAVE/IWANT/IDONTWANT. Every node of
 * a network must use the same function, or gossip repair silently stops working between them; the
 * implementations disagree on defaults, so deployments configure one explicitly by {@linkplain #fromName name}.
 * Implementations must be thread-safe and deterministic.
 */
@FunctionalInterface
public interface MessageIdFunction {

    /**
     * {@code from ‖ seqno}, raw bytes, as the spec and go define the default (absent fields count as empty). Only
     * meaningful for signed messages, which always carry both.
     */
    MessageIdFunction FROM_SEQNO = message -> {
        byte[] from = message.from();
        byte[] seqno = message.seqno();
        int fromLength = from == null ? 0 : from.length;
        byte[] id = new byte[fromLength + (seqno == null ? 0 : seqno.length)];
        if (from != null) {
            System.arraycopy(from, 0, id, 0, fromLength);
        }
        if (seqno != null) {
            System.arraycopy(seqno, 0, id, fromLength, seqno.length);
        }
        return MessageId.wrap(id);
    };

    /** SHA-256 of {@code data} (absent data hashes as empty): the function for StrictNoSign, as js uses it. */
    MessageIdFunction DATA_SHA256 = message -> {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        byte[] data = message.data();
        if (data != null) {
            sha256.update(data);
        }
        return MessageId.wrap(sha256.digest());
    };

    /** The id of {@code message}. */
    MessageId apply(RpcMessage message);

    /**
     * The function configured as {@code name}: {@code from-seqno} ({@link #FROM_SEQNO}) or {@code sha256-data}
     * ({@link #DATA_SHA256}).
     *
     * @throws IllegalArgumentException for any other name
     */
    static MessageIdFunction fromName(String name) {
        switch (name) {
            case "from-seqno":
                return FROM_SEQNO;
            case "sha256-data":
                return DATA_SHA256;
            default:
                throw new IllegalArgumentException("unknown message-id function '" + name
                        + "'; valid names are from-seqno and sha256-data");
        }
    }
}
