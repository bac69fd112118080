package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Ed25519 private key: {@code Data} is seed || public key (64 bytes). */
final class Ed25519PrivateKey extends PrivateKey {

    private static final int SEED = Ed25519PrivateKeyParameters.KEY_SIZE;

    private final Ed25519PrivateKeyParameters parameters;
    private final Ed25519PublicKey publicKey;
    /** The expanded secret, kept so that a signature does not hash the seed again. */
    private final Ed25519Signing.Key signing;

    private Ed25519PrivateKey(Ed25519PrivateKeyParameters parameters) {
        this.parameters = parameters;
        this.publicKey = new Ed25519PublicKey(parameters.generatePublicKey());
        byte[] seed = parameters.getEncoded();
        this.signing = new Ed25519Signing.Key(seed, publicKey.data());
        Arrays.fill(seed, (byte) 0);
    }

    static Ed25519PrivateKey generate(SecureRandom random) {
        return new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(random));
    }

    static Ed25519PrivateKey fromData(byte[] data) {
        if (data.length != 2 * SEED && data.length != 3 * SEED) {
            throw new MalformedDataException("Ed25519 private key must be 64 bytes (seed, public key) or the legacy "
                    + "96 bytes (seed, public key, public key), not " + data.length);
        }
        byte[] stored = Arrays.copyOfRange(data, SEED, 2 * SEED);
        if (data.length == 3 * SEED && !Arrays.equals(stored, Arrays.copyOfRange(data, 2 * SEED, 3 * SEED))) {
            throw new MalformedDataException("legacy 96-byte Ed25519 private key holds two different public keys");
        }
        Ed25519PrivateKey key = new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(data, 0));
        if (!MessageDigest.isEqual(stored, key.publicKey.data())) {
            throw new MalformedDataException("Ed25519 private key's public half does not match its seed");
        }
        return key;
    }

    @Override
    public KeyType type() {
        return KeyType.ED25519;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return Ed25519Signing.sign(signing, data);
    }

    @Override
    byte[] data() {
        byte[] out = new byte[2 * SEED];
        parameters.encode(out, 0);
        System.arraycopy(publicKey.data(), 0, out, SEED, SEED);
        return out;
    }
}
