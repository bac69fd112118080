package io.meshwork.libp2p.api.record;

import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A signed envelope (libp2p RFC 0002): a payload, a {@linkplain #payloadType() type hint} and the signer's public
 * key, with a signature that binds payload and type to a <em>domain</em> string. The domain is never sent; signer
 * and verifier both supply it, so a signature made for one purpose is worthless for another.
 *
 * <p>Wire form (protobuf {@code record.pb.Envelope}, fields in this order, empty fields omitted):
 * <pre>
 * Envelope { PublicKey public_key = 1; bytes payload_type = 2; bytes payload = 3; bytes signature = 5; }
 * </pre>
 * The signature is made with the key's libp2p signature scheme over
 * {@code uvarint(len(domain)) ‖ domain ‖ uvarint(len(payload_type)) ‖ payload_type ‖ uvarint(len(payload)) ‖
 * payload}, the domain in UTF-8.
 *
 * <p>Every instance has a signature that verifies for {@link #domain()}: instances come only from
 * {@link #seal} (which checks the signature it just made) and {@link #openAndVerify}. Immutable and thread-safe;
 * equal when their domain and wire forms are equal.
 */
public final class SignedEnvelope {

    /** Largest accepted wire form. */
    public static final int MAX_SIZE = 64 * 1024;
    /** Largest accepted domain, in UTF-8 bytes. */
    public static final int MAX_DOMAIN_LENGTH = 256;
    /** Largest accepted payload type. */
    public static final int MAX_PAYLOAD_TYPE_LENGTH = 256;

    private static final int PUBLIC_KEY = 1;
    private static final int PAYLOAD_TYPE = 2;
    private static final int PAYLOAD = 3;
    private static final int SIGNATURE = 5;
    /** A marshalled 8192-bit RSA key is about 1.1 KB; KeyProtobuf refuses more than 4096 bytes anyway. */
    private static final int MAX_KEY_LENGTH = 4096;
    /** An 8192-bit RSA signature is 1 KB; ECDSA P-521 DER is under 140 bytes. */
    private static final int MAX_SIGNATURE_LENGTH = 2048;

    private final String domain;
    private final PublicKey publicKey;
    private final byte[] payloadType;
    private final byte[] payload;
    private final byte[] signature;
    private final byte[] wire;

    private SignedEnvelope(String domain, PublicKey publicKey, byte[] payloadType, byte[] payload,
                           byte[] signature) {
        this.domain = domain;
        this.publicKey = publicKey;
        this.payloadType = payloadType;
        this.payload = payload;
        this.signature = signature;
        Protobuf.Writer writer = new Protobuf.Writer().bytes(PUBLIC_KEY, publicKey.marshal())
                .bytes(PAYLOAD_TYPE, payloadType);
        if (payload.length > 0) {
            writer.bytes(PAYLOAD, payload);
        }
        this.wire = writer.bytes(SIGNATURE, signature).toByteArray();
    }

    /**
     * Signs {@code payload} for {@code domain} and wraps it.
     *
     * @param publicKey the signer's public key, carried in the envelope
     * @param sign makes a signature with the private key matching {@code publicKey}, as
     *        {@link io.meshwork.libp2p.api.HostIdentity#sign} does
     * @param domain the purpose of the signature, e.g. {@value PeerRecord#DOMAIN}; non-empty
     * @param payloadType the type hint (a multicodec code and optional suffix); non-empty
     * @param payload the content
     * @throws IllegalArgumentException if the domain or payload type is empty or too long, the envelope would
     *         exceed {@value #MAX_SIZE} bytes, or the signature {@code sign} returns does not verify with
     *         {@code publicKey} (a key mismatch)
     */
    public static SignedEnvelope seal(PublicKey publicKey, Function<byte[], byte[]> sign, String domain,
                                      byte[] payloadType, byte[] payload) {
        Objects.requireNonNull(publicKey, "publicKey");
        byte[] type = payloadType.clone();
        byte[] content = payload.clone();
        checkDomain(domain);
        checkPayloadType(type);
        byte[] signedData = signedData(domain, type, content);
        byte[] signature = Objects.requireNonNull(sign.apply(signedData.clone()), "sign returned null");
        if (!publicKey.verify(signedData, signature)) {
            throw new IllegalArgumentException("the signature made for domain '" + domain
                    + "' does not verify with " + publicKey + "; does the signing function use its private key?");
        }
        SignedEnvelope envelope = new SignedEnvelope(domain, publicKey, type, content, signature.clone());
        if (envelope.wire.length > MAX_SIZE) {
            throw new IllegalArgumentException("signed envelope of " + envelope.wire.length
                    + " bytes exceeds the limit of " + MAX_SIZE);
        }
        return envelope;
    }

    /**
     * Signs with {@code key}; see {@link #seal(PublicKey, Function, String, byte[], byte[])}.
     *
     * @throws IllegalArgumentException as that method does
     */
    public static SignedEnvelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        return seal(key.publicKey(), key::sign, domain, payloadType, payload);
    }

    /**
     * Decodes an envelope and verifies it: its payload type must equal {@code expectedPayloadType} and its
     * signature must verify for {@code expectedDomain} with the key it carries. Unknown fields are skipped; known
     * fields may appear at most once.
     *
     * @throws MalformedDataException if the bytes are not a well-formed envelope within the limits, the payload
     *         type differs, or the signature does not verify (wrong domain, altered content or a forged signature)
     * @throws IllegalArgumentException if {@code expectedDomain} or {@code expectedPayloadType} is empty or too
     *         long
     */
    public static SignedEnvelope openAndVerify(byte[] bytes, String expectedDomain, byte[] expectedPayloadType) {
        checkDomain(expectedDomain);
        checkPayloadType(expectedPayloadType);
        byte[] expectedType = expectedPayloadType.clone();
        return open(bytes, type -> {
            if (!Arrays.equals(type, expectedType)) {
                throw new MalformedDataException("signed envelope has payload type " + HexFormat.of().formatHex(type)
                        + " but " + HexFormat.of().formatHex(expectedType) + " was expected");
            }
            return expectedDomain;
        });
    }

    /**
     * Decodes and verifies an envelope whose domain depends on its payload type.
     *
     * @param domainForType returns the domain to verify a payload type with, or throws
     *        {@link MalformedDataException} for a type the caller does not accept
     */
    static SignedEnvelope open(byte[] bytes, Function<byte[], String> domainForType) {
        if (bytes.length > MAX_SIZE) {
            throw new MalformedDataException("signed envelope of " + bytes.length + " bytes exceeds the limit of "
                    + MAX_SIZE);
        }
        byte @Nullable [] keyBytes = null;
        byte @Nullable [] type = null;
        byte @Nullable [] payload = null;
        byte @Nullable [] signature = null;
        Protobuf.Reader reader = new Protobuf.Reader(bytes, "Envelope");
        while (reader.hasNext()) {
            int field = reader.next();
            switch (field) {
                case PUBLIC_KEY:
                    keyBytes = once(reader, field, keyBytes, reader.bytes(MAX_KEY_LENGTH));
                    break;
                case PAYLOAD_TYPE:
                    type = once(reader, field, type, reader.bytes(MAX_PAYLOAD_TYPE_LENGTH));
                    break;
                case PAYLOAD:
                    payload = once(reader, field, payload, reader.bytes(MAX_SIZE));
                    break;
                case SIGNATURE:
                    signature = once(reader, field, signature, reader.bytes(MAX_SIGNATURE_LENGTH));
                    break;
                default:
                    reader.skip();
            }
        }
        if (keyBytes == null || keyBytes.length == 0) {
            throw reader.malformed("missing field 1 (public_key)");
        }
        if (type == null || type.length == 0) {
            throw reader.malformed("missing field 2 (payload_type)");
        }
        if (signature == null || signature.length == 0) {
            throw reader.malformed("missing field 5 (signature)");
        }
        if (payload == null) {
            payload = new byte[0];
        }
        PublicKey key;
        try {
            key = PublicKey.unmarshal(keyBytes);
        } catch (MalformedDataException e) {
            throw new MalformedDataException("signed envelope carries an invalid public key: " + e.getMessage(), e);
        }
        String domain = domainForType.apply(type.clone());
        if (!key.verify(signedData(domain, type, payload), signature)) {
            throw new MalformedDataException("signed envelope signature does not verify for domain '"
                    + domain + "' with the enclosed key of peer " + PeerId.fromPublicKey(key)
                    + " (wrong domain, altered payload or forged signature)");
        }
        return new SignedEnvelope(domain, key, type, payload, signature);
    }

    private static byte[] once(Protobuf.Reader reader, int field, byte @Nullable [] previous, byte[] value) {
        if (previous != null) {
            throw reader.malformed("field " + field + " appears more than once");
        }
        return value;
    }

    /** The bytes the signature covers. */
    private static byte[] signedData(String domain, byte[] payloadType, byte[] payload) {
        byte[] domainBytes = domain.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[Varint.encodedLength(domainBytes.length) + domainBytes.length
                + Varint.encodedLength(payloadType.length) + payloadType.length
                + Varint.encodedLength(payload.length) + payload.length];
        int offset = 0;
        for (byte[] part : new byte[][] {domainBytes, payloadType, payload}) {
            offset += Varint.write(part.length, out, offset);
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }

    private static void checkDomain(String domain) {
        int length = domain.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > MAX_DOMAIN_LENGTH) {
            throw new IllegalArgumentException("signature domain must be 1 to " + MAX_DOMAIN_LENGTH + " UTF-8 bytes, not " + length);
        }
    }

    private static void checkPayloadType(byte[] type) {
        if (type.length == 0 || type.length > MAX_PAYLOAD_TYPE_LENGTH) {
            throw new IllegalArgumentException("payload type must be 1 to " + MAX_PAYLOAD_TYPE_LENGTH + " bytes, not "
                    + type.length);
        }
    }

    /** The domain the signature was made (or verified) for; it is not part of the wire form. */
    public String domain() {
        return domain;
    }

    /** The signer's public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The Peer ID of the signer, derived from {@link #publicKey()}. */
    public PeerId signer() {
        return PeerId.fromPublicKey(publicKey);
    }

    /** The type hint (a copy). */
    public byte[] payloadType() {
        return payloadType.clone();
    }

    /** The payload (a copy). */
    public byte[] payload() {
        return payload.clone();
    }

    /** The signature (a copy). */
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * The deterministic wire form: fields 1, 2, 3 and 5 in that order, minimal varints, an empty payload omitted,
     * no unknown fields (a decoded envelope re-encodes without the unknown fields it had; the signature stays
     * valid because it covers only domain, type and payload).
     */
    public byte[] marshal() {
        return wire.clone();
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof SignedEnvelope && domain.equals(((SignedEnvelope) other).domain)
                && Arrays.equals(wire, ((SignedEnvelope) other).wire);
    }

    @Override
    public int hashCode() {
        return 31 * domain.hashCode() + Arrays.hashCode(wire);
    }

    @Override
    public String toString() {
        return "SignedEnvelope[domain=" + domain + ", signer=" + signer() + ", payloadType="
                + HexFormat.of().formatHex(payloadType) + ", payload=" + payload.length + " bytes]";
    }
}
