package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.RSADigestSigner;

/**
 * RSA: DER SubjectPublicKeyInfo {@code SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING
 * RSAPublicKey }}; RSASSA-PKCS1-v1_5 signatures with SHA-256. Like go-libp2p, moduli below 2048 or above 8192
 * bits are rejected.
 */
final class RsaPublicKey extends PublicKey {

    static final int MIN_BITS = 2048;
    static final int MAX_BITS = 8192;

    /** 1.2.840.113549.1.1.1 rsaEncryption. */
    private static final byte[] RSA_ENCRYPTION_OID =
            {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};

    private final BigInteger modulus;
    private final BigInteger exponent;

    RsaPublicKey(byte[] data) {
        super(data);
        Der.Reader outer = new Der.Reader(data, "RSA public key");
        Der.Reader spki = outer.nested(Der.SEQUENCE);
        outer.expectEnd();
        Der.Reader algorithm = spki.nested(Der.SEQUENCE);
        if (!Arrays.equals(algorithm.contents(Der.OBJECT_IDENTIFIER), RSA_ENCRYPTION_OID)) {
            throw outer.error("algorithm is not rsaEncryption");
        }
        if (algorithm.contents(Der.NULL).length != 0) {
            throw outer.error("rsaEncryption parameters must be an empty NULL");
        }
        algorithm.expectEnd();
        byte[] keyBytes = spki.bitString();
        spki.expectEnd();
        Der.Reader keyOuter = new Der.Reader(keyBytes, "RSA public key");
        Der.Reader key = keyOuter.nested(Der.SEQUENCE);
        keyOuter.expectEnd();
        BigInteger n = key.positiveInteger();
        BigInteger e = key.positiveInteger();
        key.expectEnd();
        if (n.bitLength() < MIN_BITS || n.bitLength() > MAX_BITS) {
            throw new MalformedDataException("RSA modulus of " + n.bitLength() + " bits is outside the accepted "
                    + MIN_BITS + " to " + MAX_BITS + " bits");
        }
        if (!n.testBit(0)) {
            throw new MalformedDataException("RSA modulus is even");
        }
        if (!e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0 || e.compareTo(n) >= 0) {
            throw new MalformedDataException("RSA public exponent must be odd and between 3 and the modulus");
        }
        this.modulus = n;
        this.exponent = e;
    }

    @Override
    public KeyType type() {
        return KeyType.RSA;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        RSAKeyParameters key;
        try {
            // BouncyCastle runs further sanity checks on the modulus here (small factors, compositeness) and
            // signals failure with IllegalArgumentException; such a key verifies nothing.
            key = new RSAKeyParameters(false, modulus, exponent);
        } catch (IllegalArgumentException e) {
            return false;
        }
        RSADigestSigner verifier = new RSADigestSigner(new SHA256Digest());
        verifier.init(false, key);
        verifier.update(data, 0, data.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public String toString() {
        return "RSA " + modulus.bitLength() + "-bit public key";
    }
}
