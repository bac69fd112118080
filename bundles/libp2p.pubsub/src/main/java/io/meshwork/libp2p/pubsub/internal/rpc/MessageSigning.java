package io.meshwork.libp2p.pubsub.internal.rpc;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Message authenticity under the two signature policies Meshwork speaks (pubsub spec, "Signature policy"):
 * StrictSign, where the author signs {@link RpcCodec#signedBytes(RpcMessage)} with its identity key, and
 * StrictNoSign, where a message carries no author information at all. The check methods return a reason text
 * (for logs and rejection traces) or null; they never throw on malformed content.
 *
 * <p>Stateless: every method is thread-safe.
 */
public final class MessageSigning {

    /** Length of the sequence number every implementation writes: a big-endian uint64. */
    public static final int SEQNO_LENGTH = 8;

    private MessageSigning() {
    }

    /**
     * Signs {@code unsigned} as the author {@code identity}: returns a copy with {@code from} set to the
     * identity's Peer ID (if absent), a signature over the canonical encoding of from, data, seqno and topic,
     * and {@code key} set to the marshalled public key only if the Peer ID does not inline it (RSA, ECDSA).
     * Any signature or key in {@code unsigned} is replaced.
     *
     * @throws IllegalArgumentException if {@code from} is present but is not the identity's Peer ID, or the
     *     topic cannot be encoded (an unpaired surrogate)
     */
    public static RpcMessage sign(HostIdentity identity, RpcMessage unsigned) {
        PeerId author = identity.peerId();
        byte[] from = unsigned.from();
        if (from == null) {
            from = author.bytes();
        } else if (!Arrays.equals(from, author.bytes())) {
            throw new IllegalArgumentException("message from field is not the signing identity's Peer ID " + author);
        }
        byte[] key = author.publicKey().isPresent() ? null : identity.publicKey().marshal();
        RpcMessage body = new RpcMessage(from, unsigned.data(), unsigned.seqno(), unsigned.topic(), null, null);
        byte[] signature = identity.sign(RpcCodec.signedBytes(body));
        return new RpcMessage(from, unsigned.data(), unsigned.seqno(), unsigned.topic(), signature, key);
    }

    /**
     * Verifies the author's signature: {@code from} must be a valid Peer ID, the signing key is {@code key} if
     * present (and must then be the key {@code from} was derived from) or else the key inlined in {@code from},
     * and the signature must be valid over {@link RpcCodec#signedBytes(RpcMessage)}.
     *
     * @return null if the signature is valid, otherwise why not
     */
    public static @Nullable String verify(RpcMessage message) {
        return verify(message, null);
    }

    /**
     * {@link #verify(RpcMessage)}, with Ed25519 signatures of authors whose Peer ID inlines their key checked by
     * {@code ed25519} (its key tables make repeated authors cheap) straight from the {@code from} bytes, without
     * building a key object. The verdicts are the same; only the cost differs.
     */
    public static @Nullable String verify(RpcMessage message, @Nullable Ed25519Verifier ed25519) {
        byte[] signature = message.signature();
        if (signature == null) {
            return "no signature";
        }
        byte[] from = message.from();
        if (from == null) {
            return "no from";
        }
        byte[] keyBytes = message.key();
        Predicate<byte[]> signatureValid; // over the signed bytes
        if (ed25519 != null && isInlinedEd25519(from) && (keyBytes == null || isMarshalledKeyOf(keyBytes, from))) {
            byte[] key = Arrays.copyOfRange(from, INLINED_ED25519_PREFIX.length, from.length);
            signatureValid = signed -> ed25519.verify(key, signed, signature);
        } else {
            PeerId author;
            try {
                author = PeerId.fromBytes(from);
            } catch (MalformedDataException e) {
                return "from is not a peer id: " + e.getMessage();
            }
            PublicKey key;
            if (keyBytes != null) {
                try {
                    key = PublicKey.unmarshal(keyBytes);
                } catch (MalformedDataException e) {
                    return "key is not a valid public key: " + e.getMessage();
                }
                if (!author.matches(key)) {
                    return "key does not match from";
                }
            } else {
                Optional<PublicKey> inlined = author.publicKey();
                if (inlined.isEmpty()) {
                    return "from is a hashed peer id and the message carries no key";
                }
                key = inlined.get();
            }
            signatureValid = signed -> key.verify(signed, signature);
        }
        byte[] signed;
        try {
            signed = RpcCodec.signedBytes(message);
        } catch (IllegalArgumentException e) {
            return "message cannot be encoded: " + e.getMessage(); // a locally built topic with a lone surrogate
        }
        return signatureValid.test(signed) ? null : "bad signature";
    }

    /** A Peer ID that inlines an Ed25519 key: identity multihash (0x00, 36) of PublicKey{Type 1, Data 32 bytes}. */
    private static final byte[] INLINED_ED25519_PREFIX = {0x00, 0x24, 0x08, 0x01, 0x12, 0x20};

    private static boolean isInlinedEd25519(byte[] from) {
        return from.length == INLINED_ED25519_PREFIX.length + Ed25519Verifier.KEY_LENGTH
                && Arrays.equals(from, 0, INLINED_ED25519_PREFIX.length, INLINED_ED25519_PREFIX, 0,
                        INLINED_ED25519_PREFIX.length);
    }

    /** Whether {@code key} is the marshalled PublicKey inlined in {@code from} (what js puts in {@code key}). */
    private static boolean isMarshalledKeyOf(byte[] key, byte[] from) {
        int prefix = 2; // the identity multihash's code and length
        return key.length == from.length - prefix && Arrays.equals(key, 0, key.length, from, prefix, from.length);
    }

    /**
     * The StrictSign presence check, done before the (costlier) duplicate lookup and signature verification:
     * {@code from}, {@code seqno} and {@code signature} must be present and the seqno must be 1 to
     * {@value #SEQNO_LENGTH} bytes. Implementations write 8 bytes, except js-libp2p's floodsub (and its other
     * users of {@code bigIntToBytes}), which drops leading zero bytes: about one message in 256 carries a 7-byte
     * seqno, and rejecting it would drop valid messages and penalise honest js peers. go only insists on the
     * signature. {@code key} is optional.
     *
     * @return null if the fields are there, otherwise which is missing or wrong
     */
    public static @Nullable String checkSignedFields(RpcMessage message) {
        if (message.signature() == null) {
            return "no signature";
        }
        if (message.from() == null) {
            return "no from";
        }
        byte[] seqno = message.seqno();
        if (seqno == null) {
            return "no seqno";
        }
        if (seqno.length == 0 || seqno.length > SEQNO_LENGTH) {
            return "seqno is " + seqno.length + " bytes, not 1 to " + SEQNO_LENGTH;
        }
        return null;
    }

    /**
     * The StrictNoSign check: {@code from}, {@code seqno}, {@code signature} and {@code key} must all be absent;
     * present but empty counts as present (as in go, rust and js).
     *
     * @return null if none is present, otherwise which one is
     */
    public static @Nullable String checkUnsigned(RpcMessage message) {
        if (message.from() != null) {
            return "unexpected from in an unsigned message";
        }
        if (message.seqno() != null) {
            return "unexpected seqno in an unsigned message";
        }
        if (message.signature() != null) {
            return "unexpected signature in an unsigned message";
        }
        if (message.key() != null) {
            return "unexpected key in an unsigned message";
        }
        return null;
    }
}
