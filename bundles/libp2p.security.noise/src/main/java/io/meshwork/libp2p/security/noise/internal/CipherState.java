package io.meshwork.libp2p.security.noise.internal;

import javax.crypto.AEADBadTagException;
import org.jspecify.annotations.Nullable;

/**
 * Noise {@code CipherState} (revision 34, section 5.1): a key {@code k}, possibly empty, and a 64-bit nonce
 * {@code n}. Without a key, encryption and decryption return their input; with a key, every operation uses
 * {@code n} and then increments it. A failed decryption leaves {@code n} unchanged, as the spec requires, but the
 * caller is expected to give up: a stream transport cannot skip a message.
 *
 * <p>The nonce value 2^64-1 is reserved, so at most 2^64-1 messages are processed per key; after that every call
 * fails with {@link NoiseException.Reason#NONCE_EXHAUSTED}. Rekey is not used by libp2p and not offered.
 *
 * <p>Not thread-safe: confined to the thread that runs its connection.
 */
final class CipherState {

    private static final byte[] NO_AD = new byte[0];
    private static final long MAX_NONCE = -1L; // 2^64 - 1 as an unsigned long: reserved, never used

    private final AeadProvider provider;
    private final String label;
    private @Nullable Aead aead;
    private long n;

    /**
     * @param provider the AEAD implementation to use once a key is set
     * @param label names the direction in error messages, e.g. "transport receive"
     */
    CipherState(AeadProvider provider, String label) {
        this.provider = provider;
        this.label = label;
    }

    /** InitializeKey(key): sets {@code k} and resets {@code n} to zero. Reuses the AEAD engine if there is one. */
    void initializeKey(byte[] key) {
        Aead a = aead;
        if (a == null) {
            a = provider.newAead();
            aead = a;
        }
        a.init(key);
        n = 0;
    }

    boolean hasKey() {
        return aead != null;
    }

    /** The nonce the next operation will use, as an unsigned 64-bit value. */
    long nonce() {
        return n;
    }

    /** Test support: jump the nonce (unsigned). */
    void setNonce(long nonce) {
        n = nonce;
    }

    @Nullable AeadProvider aeadProvider() {
        Aead a = aead;
        return a == null ? null : a.provider();
    }

    /** EncryptWithAd into a new array. */
    byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        byte[] out = new byte[plaintext.length + (hasKey() ? Aead.TAG_LENGTH : 0)];
        encryptWithAd(ad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * EncryptWithAd into {@code out}, which needs {@code len + 16} bytes of room when a key is set.
     *
     * @return bytes written
     */
    int encryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        Aead a = aead;
        if (a == null) {
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        checkNonce();
        int written = a.encrypt(n, ad, in, inOff, len, out, outOff);
        n++;
        return written;
    }

    /** Encryption with empty associated data, as Noise transport messages use. */
    int encrypt(byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        return encryptWithAd(NO_AD, in, inOff, len, out, outOff);
    }

    /**
     * Starts a transport message (empty associated data) whose plaintext is given in pieces; see
     * {@link Aead#encryptStart}. The nonce is used by this message and advances at {@link #encryptFinish}.
     */
    void encryptStart() throws NoiseException {
        Aead a = aead;
        if (a != null) {
            checkNonce();
            a.encryptStart(n, NO_AD);
        }
    }

    /** The next piece of the message begun with {@link #encryptStart()}; returns bytes written. */
    int encryptUpdate(byte[] in, int inOff, int len, byte[] out, int outOff) {
        Aead a = aead;
        if (a == null) {
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        return a.encryptUpdate(in, inOff, len, out, outOff);
    }

    /** Ends the message begun with {@link #encryptStart()}: the rest of the ciphertext and the tag. */
    int encryptFinish(byte[] out, int outOff) {
        Aead a = aead;
        if (a == null) {
            return 0;
        }
        int written = a.encryptFinish(out, outOff);
        n++;
        return written;
    }

    /** DecryptWithAd into a new array. */
    byte[] decryptWithAd(byte[] ad, byte[] in, int inOff, int len) throws NoiseException {
        if (!hasKey()) {
            byte[] out = new byte[len];
            System.arraycopy(in, inOff, out, 0, len);
            return out;
        }
        if (len < Aead.TAG_LENGTH) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_MESSAGE, label + " ciphertext of " + len
                    + " bytes is shorter than the 16-byte tag");
        }
        byte[] out = new byte[len - Aead.TAG_LENGTH];
        decryptWithAd(ad, in, inOff, len, out, 0);
        return out;
    }

    /**
     * DecryptWithAd into {@code out}, which needs {@code len - 16} bytes of room when a key is set.
     *
     * @return bytes written
     * @throws NoiseException {@link NoiseException.Reason#DECRYPTION_FAILED} if the tag does not verify
     */
    int decryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        Aead a = aead;
        if (a == null) {
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        if (len < Aead.TAG_LENGTH) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_MESSAGE, label + " ciphertext of " + len
                    + " bytes is shorter than the 16-byte tag");
        }
        checkNonce();
        int written;
        try {
            written = a.decrypt(n, ad, in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            throw new NoiseException(NoiseException.Reason.DECRYPTION_FAILED, "decryption failed (bad tag) on "
                    + label + " message " + Long.toUnsignedString(n), e);
        }
        n++;
        return written;
    }

    /** Decryption with empty associated data, as Noise transport messages use. */
    int decrypt(byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        return decryptWithAd(NO_AD, in, inOff, len, out, outOff);
    }

    private void checkNonce() throws NoiseException {
        if (n == MAX_NONCE) {
            throw new NoiseException(NoiseException.Reason.NONCE_EXHAUSTED, label
                    + ": all 2^64-1 nonces of this key are used; the connection must be replaced");
        }
    }
}
