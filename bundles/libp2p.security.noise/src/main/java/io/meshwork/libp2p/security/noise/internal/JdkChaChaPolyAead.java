package io.meshwork.libp2p.security.noise.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * ChaCha20-Poly1305 through the JDK's {@code Cipher} ("ChaCha20-Poly1305", SunJCE since Java 11).
 *
 * <p>The JDK cipher must be initialised again for every message, because a finished AEAD operation cannot be
 * resumed with a new nonce; the {@code Cipher} object itself is kept for the life of this instance. The JDK also
 * refuses to encrypt twice with the same key and nonce, which Noise never does (its nonces only increase).
 *
 * <p>Not thread-safe; see {@link Aead}.
 */
final class JdkChaChaPolyAead implements Aead {

    static final String TRANSFORMATION = "ChaCha20-Poly1305";

    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private @Nullable SecretKeySpec key;
    /** Key and counter of the previous {@code Cipher.init}, to step around the JDK's reuse check on decryption. */
    private @Nullable SecretKeySpec lastKey;
    private long lastCounter;

    JdkChaChaPolyAead() {
        try {
            cipher = Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no " + TRANSFORMATION + " cipher", e);
        }
    }

    /** Whether this JDK provides the cipher. */
    static boolean isAvailable() {
        try {
            Cipher.getInstance(TRANSFORMATION);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void init(byte[] keyBytes) {
        if (keyBytes.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes, not " + keyBytes.length);
        }
        key = new SecretKeySpec(keyBytes, "ChaCha20");
    }

    @Override
    public int encrypt(long counter, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            start(Cipher.ENCRYPT_MODE, counter, ad);
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ChaCha20-Poly1305 encryption failed with nonce " + counter, e);
        }
    }

    @Override
    public void encryptStart(long counter, byte[] ad) {
        try {
            start(Cipher.ENCRYPT_MODE, counter, ad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ChaCha20-Poly1305 encryption failed with nonce " + counter, e);
        }
    }

    @Override
    public int encryptUpdate(byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            // Encryption streams: SunJCE writes the ciphertext of every update at once and buffers nothing.
            return cipher.update(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ChaCha20-Poly1305 encryption failed with nonce " + lastCounter, e);
        }
    }

    @Override
    public int encryptFinish(byte[] out, int outOff) {
        try {
            return cipher.doFinal(out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ChaCha20-Poly1305 encryption failed with nonce " + lastCounter, e);
        }
    }

    @Override
    public int decrypt(long counter, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws AEADBadTagException {
        if (len < TAG_LENGTH) {
            throw new AEADBadTagException("ciphertext of " + len + " bytes is shorter than the tag");
        }
        try {
            start(Cipher.DECRYPT_MODE, counter, ad);
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            // The JDK verifies before it decrypts, so nothing leaked; zeroing keeps the contract explicit.
            Arrays.fill(out, outOff, outOff + len - TAG_LENGTH, (byte) 0);
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ChaCha20-Poly1305 decryption failed with nonce " + counter, e);
        }
    }

    private void start(int mode, long counter, byte[] ad) throws GeneralSecurityException {
        SecretKeySpec k = key;
        if (k == null) {
            throw new IllegalStateException("no key set");
        }
        if (mode == Cipher.DECRYPT_MODE && k == lastKey && counter == lastCounter) {
            // The JDK refuses any init that repeats the previous key and nonce, even to decrypt, where a repeat is
            // harmless (retrying a message, or decrypting what this instance just encrypted). An init with
            // another nonce in between satisfies the check; encryption keeps the protection.
            Aead.encodeNonce(counter + 1, nonce);
            cipher.init(mode, k, new IvParameterSpec(nonce));
        }
        Aead.encodeNonce(counter, nonce);
        cipher.init(mode, k, new IvParameterSpec(nonce));
        lastKey = k;
        lastCounter = counter;
        if (ad.length > 0) {
            cipher.updateAAD(ad);
        }
    }

    @Override
    public AeadProvider provider() {
        return AeadProvider.JDK;
    }
}
