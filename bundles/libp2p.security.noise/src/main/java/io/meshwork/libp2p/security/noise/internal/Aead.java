package io.meshwork.libp2p.security.noise.internal;

import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 (RFC 8439) as Noise uses it: a 32-byte key, a 64-bit counter nonce encoded as 4 zero bytes
 * followed by the counter in little-endian order, and a 16-byte tag appended to the ciphertext.
 *
 * <p>An instance holds one key at a time and the engine behind it, so that a {@link CipherState} encrypts message
 * after message without allocating an engine per message. Output may overlap input when both start at the same
 * offset (in-place processing); other overlaps are not supported.
 *
 * <p>Not thread-safe: an instance belongs to one {@link CipherState}, which is confined to one thread.
 */
public interface Aead {

    /** Key length in bytes. */
    int KEY_LENGTH = 32;

    /** Tag length in bytes. */
    int TAG_LENGTH = 16;

    /**
     * Sets the key for the following operations.
     *
     * @param key exactly {@link #KEY_LENGTH} bytes; copied
     */
    void init(byte[] key);

    /**
     * Encrypts {@code len} bytes and appends the tag.
     *
     * @param nonce the Noise counter; each value is used at most once per key by the caller
     * @param ad associated data, possibly empty
     * @return bytes written to {@code out}: {@code len + TAG_LENGTH}
     * @throws IllegalStateException if no key is set, or the engine refuses a reused key and nonce
     */
    int encrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff);

    /**
     * Verifies the tag at the end of the {@code len} input bytes and decrypts the rest. If the tag does not verify,
     * {@code out} holds no plaintext: the output range is zeroed.
     *
     * @param nonce the Noise counter the sender used
     * @param ad associated data, possibly empty
     * @return bytes written to {@code out}: {@code len - TAG_LENGTH}
     * @throws AEADBadTagException if {@code len < TAG_LENGTH} or the tag does not verify
     * @throws IllegalStateException if no key is set
     */
    int decrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws AEADBadTagException;

    /**
     * Starts encrypting one message whose plaintext arrives in pieces (a gathering write): call
     * {@link #encryptUpdate} for every piece, then {@link #encryptFinish}. The bytes written are those of one
     * {@link #encrypt} of the concatenated pieces. No other operation may come between start and finish.
     *
     * @param nonce the Noise counter; each value is used at most once per key by the caller
     * @param ad associated data, possibly empty
     * @throws IllegalStateException if no key is set, or the engine refuses a reused key and nonce
     */
    void encryptStart(long nonce, byte[] ad);

    /**
     * Encrypts the next piece of the message begun with {@link #encryptStart}. An engine may hold back up to one
     * block and write it with a later piece, so fewer (or more) than {@code len} bytes may be written; in total the
     * pieces and {@link #encryptFinish} write plaintext length + {@link #TAG_LENGTH} bytes. {@code out} must not
     * overlap {@code in}.
     *
     * @return bytes written to {@code out}
     */
    int encryptUpdate(byte[] in, int inOff, int len, byte[] out, int outOff);

    /**
     * Writes what is left of the message begun with {@link #encryptStart}, and the tag.
     *
     * @return bytes written to {@code out}
     */
    int encryptFinish(byte[] out, int outOff);

    /** Which implementation this is. */
    AeadProvider provider();

    /** Writes the 12-byte ChaChaPoly nonce for {@code counter} into {@code nonce}. */
    static void encodeNonce(long counter, byte[] nonce) {
        nonce[0] = 0;
        nonce[1] = 0;
        nonce[2] = 0;
        nonce[3] = 0;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
    }
}
