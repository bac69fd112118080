package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA on a NIST curve: DER SubjectPublicKeyInfo
 * {@code SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve }, BIT STRING uncompressedPoint }}, the only form
 * go-libp2p reads or writes; ECDSA over SHA-256 of the message with DER signatures.
 */
final class EcdsaPublicKey extends PublicKey {

    /** 1.2.840.10045.2.1 id-ecPublicKey. */
    static final byte[] EC_PUBLIC_KEY_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private final EcCurve curve;
    private final ECPublicKeyParameters parameters;

    EcdsaPublicKey(byte[] data) {
        super(data);
        Der.Reader outer = new Der.Reader(data, "ECDSA public key");
        Der.Reader spki = outer.nested(Der.SEQUENCE);
        outer.expectEnd();
        Der.Reader algorithm = spki.nested(Der.SEQUENCE);
        if (!Arrays.equals(algorithm.contents(Der.OBJECT_IDENTIFIER), EC_PUBLIC_KEY_OID)) {
            throw outer.error("algorithm is not id-ecPublicKey");
        }
        EcCurve named = EcCurve.nistByOid(algorithm.contents(Der.OBJECT_IDENTIFIER));
        if (named == null) {
            throw outer.error("unsupported curve; only named P-224, P-256, P-384 and P-521 are accepted");
        }
        algorithm.expectEnd();
        byte[] point = spki.bitString();
        spki.expectEnd();
        if (point.length != named.uncompressedPointBytes() || point[0] != 0x04) {
            throw outer.error("point must be uncompressed (0x04 followed by both coordinates, "
                    + named.uncompressedPointBytes() + " bytes)");
        }
        this.curve = named;
        this.parameters = new ECPublicKeyParameters(named.decodePoint(point, "ECDSA public key"), named.domain());
    }

    EcdsaPublicKey(EcCurve curve, ECPoint point) {
        super(encode(curve, point));
        this.curve = curve;
        this.parameters = new ECPublicKeyParameters(point, curve.domain());
    }

    static byte[] encode(EcCurve curve, ECPoint point) {
        byte[] algorithm = Der.element(Der.SEQUENCE, Der.element(Der.OBJECT_IDENTIFIER, EC_PUBLIC_KEY_OID),
                Der.element(Der.OBJECT_IDENTIFIER, curve.oid()));
        return Der.element(Der.SEQUENCE, algorithm, Der.bitString(point.getEncoded(false)));
    }

    byte[] pointEncoding() {
        return parameters.getQ().getEncoded(false);
    }

    @Override
    public KeyType type() {
        return KeyType.ECDSA;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        return Ecdsa.verify(parameters, data, signature);
    }

    @Override
    public String toString() {
        return "ECDSA " + curve.displayName() + " public key";
    }
}
