package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.math.BigInteger;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.jspecify.annotations.Nullable;

/**
 * ECDSA as libp2p uses it for secp256k1 and ECDSA keys: SHA-256 of the message, signature
 * {@code SEQUENCE { INTEGER r, INTEGER s }} in DER. Signing is deterministic (RFC 6979). Stateless.
 */
final class Ecdsa {

    private Ecdsa() {
    }

    static byte[] sha256(byte[] data) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }

    /** Verifies a DER signature; any malformation makes it simply invalid. */
    static boolean verify(ECPublicKeyParameters key, byte[] data, byte[] signature) {
        BigInteger[] rs = decodeSignature(signature);
        if (rs == null) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(sha256(data), rs[0], rs[1]);
    }

    /**
     * Signs and DER-encodes; with {@code lowS} the signature is normalised to {@code s <= n/2} as Bitcoin and
     * go-libp2p's secp256k1 keys do.
     */
    static byte[] sign(ECPrivateKeyParameters key, byte[] data, boolean lowS) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(sha256(data));
        BigInteger s = rs[1];
        BigInteger n = key.getParameters().getN();
        if (lowS && s.compareTo(n.shiftRight(1)) > 0) {
            s = n.subtract(s);
        }
        return Der.element(Der.SEQUENCE, Der.integer(rs[0]), Der.integer(s));
    }

    /** The (r, s) of a strict DER signature, or {@code null} if it is not one. */
    private static BigInteger @Nullable [] decodeSignature(byte[] signature) {
        try {
            Der.Reader outer = new Der.Reader(signature, "ECDSA signature");
            Der.Reader sequence = outer.nested(Der.SEQUENCE);
            outer.expectEnd();
            BigInteger r = sequence.positiveInteger();
            BigInteger s = sequence.positiveInteger();
            sequence.expectEnd();
            return new BigInteger[] {r, s};
        } catch (MalformedDataException e) {
            // A malformed signature is just an invalid one; verify() reports false instead of throwing.
            return null;
        }
    }

}
