package io.meshwork.libp2p.security.noise.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair (RFC 7748), used for Noise static and ephemeral keys. Never an identity key.
 *
 * <p>Immutable apart from {@link #destroy()}, after which the private key is zeros. Not meant to be shared
 * between threads while it is being destroyed; otherwise safe to read from any thread.
 */
public final class X25519KeyPair {

    /** Length of private and public keys and of the shared secret. */
    public static final int KEY_LENGTH = 32;

    private final byte[] privateKey;
    private final byte[] publicKey;

    private X25519KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    /** A new random key pair. */
    public static X25519KeyPair generate(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, k);
        return new X25519KeyPair(k);
    }

    /**
     * The key pair for a given private key (test vectors, or a key the caller keeps). The key is used as given;
     * X25519 clamps it inside the scalar multiplication.
     */
    public static X25519KeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be 32 bytes, not " + privateKey.length);
        }
        return new X25519KeyPair(privateKey.clone());
    }

    /** The public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    byte[] publicKeyView() {
        return publicKey;
    }

    /**
     * X25519 with a remote public key.
     *
     * @throws NoiseException {@link NoiseException.Reason#INVALID_REMOTE_KEY} if the result is all zeros, which
     *     happens exactly for low-order remote points; Noise allows rejecting them and libp2p peers never send them
     */
    byte[] dh(byte[] remotePublicKey, String what) throws NoiseException {
        byte[] shared = new byte[KEY_LENGTH];
        if (!X25519.calculateAgreement(privateKey, 0, remotePublicKey, 0, shared, 0)) {
            throw new NoiseException(NoiseException.Reason.INVALID_REMOTE_KEY, "remote " + what + " key "
                    + HexFormat.of().formatHex(remotePublicKey) + " is a low-order point (all-zero shared secret)");
        }
        return shared;
    }

    /** Overwrites the private key with zeros; the pair is unusable afterwards. */
    public void destroy() {
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "X25519 key pair " + HexFormat.of().formatHex(publicKey);
    }
}
