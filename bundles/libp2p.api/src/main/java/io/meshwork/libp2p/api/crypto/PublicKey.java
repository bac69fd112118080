package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * A libp2p public key: a {@link KeyType} and the type's {@code Data} encoding, marshalled as the deterministic
 * {@code PublicKey} protobuf. Instances are immutable, thread-safe and equal when type and data are equal.
 *
 * <p>Every instance has passed validation: Ed25519 keys are 32-byte encodings of curve points, secp256k1 keys
 * 33-byte compressed points on the curve, ECDSA keys DER SubjectPublicKeyInfo structures with a named NIST curve
 * (P-224, P-256, P-384 or P-521) and an uncompressed point on it, RSA keys DER SubjectPublicKeyInfo structures
 * with a 2048 to 8192-bit modulus.
 */
public abstract sealed class PublicKey permits Ed25519PublicKey, Secp256k1PublicKey, EcdsaPublicKey, RsaPublicKey {

    private final byte[] data;

    PublicKey(byte[] data) {
        this.data = data.clone();
    }

    /**
     * Decodes a {@code PublicKey} protobuf. Exactly field 1 (Type) then field 2 (Data) must be present, each once,
     * minimally encoded, and the data must be a valid key of that type.
     *
     * @throws MalformedDataException if the message or the key is malformed, or longer than 4096 bytes
     */
    public static PublicKey unmarshal(byte[] protobuf) {
        KeyProtobuf.Message message = KeyProtobuf.decode(protobuf, "PublicKey");
        return fromRaw(message.type(), message.data());
    }

    /**
     * Builds a key from its type and {@code Data} encoding.
     *
     * @throws MalformedDataException if {@code data} is not a valid key of that type
     */
    public static PublicKey fromRaw(KeyType type, byte[] data) {
        switch (type) {
            case ED25519:
                return new Ed25519PublicKey(data);
            case SECP256K1:
                return new Secp256k1PublicKey(data);
            case ECDSA:
                return new EcdsaPublicKey(data);
            case RSA:
                return new RsaPublicKey(data);
            default:
                throw new AssertionError("unhandled key type " + type);
        }
    }

    /** The key type. */
    public abstract KeyType type();

    /** A copy of the protobuf {@code Data} field: the type-specific key encoding. */
    public final byte[] raw() {
        return data.clone();
    }

    /** The deterministic {@code PublicKey} protobuf; what Peer IDs are derived from. */
    public final byte[] marshal() {
        return KeyProtobuf.encode(type(), data);
    }

    /**
     * Checks {@code signature} over {@code data} with this key's libp2p signature scheme. A malformed signature is
     * reported as invalid, never thrown.
     */
    public abstract boolean verify(byte[] data, byte[] signature);

    final byte[] data() {
        return data;
    }

    @Override
    public final boolean equals(@Nullable Object other) {
        return other instanceof PublicKey && type() == ((PublicKey) other).type()
                && Arrays.equals(data, ((PublicKey) other).data);
    }

    @Override
    public final int hashCode() {
        return 31 * type().hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String shown = data.length <= 33 ? HexFormat.of().formatHex(data) : data.length + " bytes";
        return type() + " public key " + shown;
    }
}
