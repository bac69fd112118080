package io.meshwork.libp2p.security.noise.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise {@code SymmetricState} (revision 34, section 5.2) for SHA-256: the chaining key {@code ck}, the handshake
 * hash {@code h} and a {@link CipherState}. HASH is SHA-256 and HKDF is the Noise HMAC-SHA256 construction, both
 * from the JDK (every Java SE platform must provide them).
 *
 * <p>Not thread-safe: confined to the thread that runs the handshake.
 */
final class SymmetricState {

    static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final CipherState cipher;
    private final AeadProvider provider;
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocol_name). */
    SymmetricState(String protocolName, AeadProvider provider) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-256 or HmacSHA256, which Java SE requires", e);
        }
        this.provider = provider;
        this.cipher = new CipherState(provider, "handshake");
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
        ck = h.clone();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        Arrays.fill(ck, (byte) 0);
        ck = out[0];
        cipher.initializeKey(out[1]);
        Arrays.fill(out[1], (byte) 0);
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    void mixHash(byte[] data, int off, int len) {
        sha256.update(h);
        sha256.update(data, off, len);
        h = sha256.digest();
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] message, int off, int len) throws NoiseException {
        byte[] plaintext = cipher.decryptWithAd(h, message, off, len);
        mixHash(message, off, len);
        return plaintext;
    }

    /** The handshake hash {@code h} (a copy); after the handshake, a channel binding value. */
    byte[] handshakeHash() {
        return h.clone();
    }

    /**
     * Split(): the two transport cipher states, first for initiator-to-responder traffic, second for the other
     * direction. The chaining key is wiped; this object must not be used afterwards.
     */
    CipherState[] split(String firstLabel, String secondLabel) {
        byte[][] keys = hkdf(ck, new byte[0], 2);
        CipherState c1 = new CipherState(provider, firstLabel);
        CipherState c2 = new CipherState(provider, secondLabel);
        c1.initializeKey(keys[0]);
        c2.initializeKey(keys[1]);
        Arrays.fill(keys[0], (byte) 0);
        Arrays.fill(keys[1], (byte) 0);
        Arrays.fill(ck, (byte) 0);
        return new CipherState[] {c1, c2};
    }

    /** Noise HKDF(chaining_key, input_key_material, num_outputs) for 2 or 3 outputs. */
    byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            byte[] block = Arrays.copyOf(previous, previous.length + 1);
            block[previous.length] = (byte) (i + 1);
            out[i] = hmac(tempKey, block);
            previous = out[i];
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 rejected a " + key.length + "-byte key", e);
        }
        return hmac.doFinal(data);
    }
}
