package io.meshwork.libp2p.security.noise.internal;

import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.jspecify.annotations.Nullable;

/**
 * ChaCha20-Poly1305 through BouncyCastle's lightweight {@link ChaCha20Poly1305} engine (no JCA provider).
 *
 * <p>The engine is initialised with the key once after {@link #init}, and afterwards with the nonce alone, which
 * BouncyCastle allows and which spares the key schedule copy per message. BouncyCastle decrypts as it goes and
 * checks the tag at the end, so on a bad tag the output range is zeroed before the failure is reported.
 *
 * <p>Not thread-safe; see {@link Aead}.
 */
final class BouncyCastleChaChaPolyAead implements Aead {

    private final ChaCha20Poly1305 engine = new ChaCha20Poly1305();
    private final byte[] nonce = new byte[12];
    private @Nullable KeyParameter pendingKey;
    private boolean keyed;
    /** Nonce of the message being encrypted piece by piece, for error messages. */
    private long counter;

    @Override
    public void init(byte[] keyBytes) {
        if (keyBytes.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes, not " + keyBytes.length);
        }
        pendingKey = new KeyParameter(keyBytes.clone());
        keyed = true;
    }

    @Override
    public int encrypt(long counter, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        start(true, counter, ad);
        int n = engine.processBytes(in, inOff, len, out, outOff);
        try {
            return n + engine.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("BouncyCastle ChaCha20-Poly1305 encryption failed with nonce " + counter,
                    e);
        }
    }

    @Override
    public void encryptStart(long counter, byte[] ad) {
        start(true, counter, ad);
        this.counter = counter;
    }

    @Override
    public int encryptUpdate(byte[] in, int inOff, int len, byte[] out, int outOff) {
        return engine.processBytes(in, inOff, len, out, outOff);
    }

    @Override
    public int encryptFinish(byte[] out, int outOff) {
        try {
            return engine.doFinal(out, outOff);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("BouncyCastle ChaCha20-Poly1305 encryption failed with nonce " + counter,
                    e);
        }
    }

    @Override
    public int decrypt(long counter, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws AEADBadTagException {
        if (len < TAG_LENGTH) {
            throw new AEADBadTagException("ciphertext of " + len + " bytes is shorter than the tag");
        }
        start(false, counter, ad);
        int n = engine.processBytes(in, inOff, len, out, outOff);
        try {
            return n + engine.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, outOff, outOff + len - TAG_LENGTH, (byte) 0);
            AEADBadTagException badTag = new AEADBadTagException("tag does not verify");
            badTag.initCause(e);
            throw badTag;
        }
    }

    private void start(boolean encrypt, long counter, byte[] ad) {
        if (!keyed) {
            throw new IllegalStateException("no key set");
        }
        Aead.encodeNonce(counter, nonce);
        // A null key parameter keeps the key of the previous init.
        engine.init(encrypt, new ParametersWithIV(pendingKey, nonce));
        pendingKey = null;
        if (ad.length > 0) {
            engine.processAADBytes(ad, 0, ad.length);
        }
    }

    @Override
    public AeadProvider provider() {
        return AeadProvider.BOUNCY_CASTLE;
    }
}
