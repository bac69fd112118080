package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;

/** The libp2p key types with their protobuf {@code KeyType} enum numbers. */
public enum KeyType {
    /** RSA; public {@code Data} is a DER SubjectPublicKeyInfo. */
    RSA(0),
    /** Ed25519; public {@code Data} is the raw 32-byte key. */
    ED25519(1),
    /** secp256k1; public {@code Data} is the 33-byte compressed point. */
    SECP256K1(2),
    /** ECDSA on a NIST curve; public {@code Data} is a DER SubjectPublicKeyInfo. */
    ECDSA(3);

    private final int number;

    KeyType(int number) {
        this.number = number;
    }

    /** The number used in the protobuf {@code Type} field. */
    public int number() {
        return number;
    }

    /**
     * The key type with the given protobuf number.
     *
     * @throws MalformedDataException if no key type has that number
     */
    public static KeyType fromNumber(int number) {
        for (KeyType type : values()) {
            if (type.number == number) {
                return type;
            }
        }
        throw new MalformedDataException("unknown key type " + number);
    }
}
