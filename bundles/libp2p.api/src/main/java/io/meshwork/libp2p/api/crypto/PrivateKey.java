package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.security.SecureRandom;

/**
 * A libp2p private key, marshalled as the {@code PrivateKey} protobuf (a storage format only; private keys never
 * travel on the wire). Supported: Ed25519 ({@code Data} = 32-byte seed followed by the 32-byte public key; the
 * legacy 96-byte form with the public key twice is read too), secp256k1 ({@code Data} = 32-byte scalar) and
 * ECDSA ({@code Data} = DER SEC1 {@code ECPrivateKey} with named curve and public key, as go-libp2p writes it).
 * RSA private keys are not supported.
 *
 * <p>Instances are immutable and thread-safe. {@link #toString()} never shows key material. There is no value
 * equality; compare {@link #publicKey()} instead.
 */
public abstract sealed class PrivateKey permits Ed25519PrivateKey, Secp256k1PrivateKey, EcdsaPrivateKey {

    PrivateKey() {
    }

    /**
     * Decodes a {@code PrivateKey} protobuf (fields 1 and 2, each once, in order, nothing else) and checks that
     * the key is consistent: the public half stored with an Ed25519 or ECDSA key must be the one derived from the
     * private scalar.
     *
     * @throws MalformedDataException if the message or key is malformed, inconsistent, or of an unsupported type
     */
    public static PrivateKey unmarshal(byte[] protobuf) {
        KeyProtobuf.Message message = KeyProtobuf.decode(protobuf, "PrivateKey");
        switch (message.type()) {
            case ED25519:
                return Ed25519PrivateKey.fromData(message.data());
            case SECP256K1:
                return Secp256k1PrivateKey.fromData(message.data());
            case ECDSA:
                return EcdsaPrivateKey.fromData(message.data());
            default:
                throw new MalformedDataException("unsupported private key type " + message.type());
        }
    }

    /** Generates a new Ed25519 key pair. */
    public static PrivateKey generateEd25519(SecureRandom random) {
        return Ed25519PrivateKey.generate(random);
    }

    /** The key type. */
    public abstract KeyType type();

    /** The matching public key. */
    public abstract PublicKey publicKey();

    /** Signs {@code data} with this key type's libp2p signature scheme (for Ed25519: plain RFC 8032). */
    public abstract byte[] sign(byte[] data);

    /** The {@code PrivateKey} protobuf. The result holds secret key material; the caller must protect it. */
    public final byte[] marshal() {
        return KeyProtobuf.encode(type(), data());
    }

    /** The {@code Data} field; a fresh array. */
    abstract byte[] data();

    @Override
    public final String toString() {
        return type() + " private key for " + publicKey();
    }
}
