package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.math.BigInteger;
import java.security.MessageDigest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA private key on a NIST curve: {@code Data} is the DER SEC1 structure
 * {@code SEQUENCE { INTEGER 1, OCTET STRING d, [0] namedCurve, [1] BIT STRING publicPoint }} with {@code d} padded
 * to the byte length of the group order, exactly as go-libp2p writes it. Only that form is read, so the stored
 * key re-encodes to the same bytes.
 */
final class EcdsaPrivateKey extends PrivateKey {

    private final EcCurve curve;
    private final ECPrivateKeyParameters parameters;
    private final EcdsaPublicKey publicKey;

    private EcdsaPrivateKey(EcCurve curve, BigInteger d, ECPoint point) {
        this.curve = curve;
        this.parameters = new ECPrivateKeyParameters(d, curve.domain());
        this.publicKey = new EcdsaPublicKey(curve, point);
    }

    static EcdsaPrivateKey fromData(byte[] data) {
        Der.Reader outer = new Der.Reader(data, "ECDSA private key");
        Der.Reader sec1 = outer.nested(Der.SEQUENCE);
        outer.expectEnd();
        if (!sec1.positiveInteger().equals(BigInteger.ONE)) {
            throw outer.error("ECPrivateKey version must be 1");
        }
        byte[] scalar = sec1.contents(Der.OCTET_STRING);
        Der.Reader parameters = sec1.nested(Der.CONTEXT_0);
        EcCurve curve = EcCurve.nistByOid(parameters.contents(Der.OBJECT_IDENTIFIER));
        if (curve == null) {
            throw outer.error("unsupported curve; only named P-224, P-256, P-384 and P-521 are accepted");
        }
        parameters.expectEnd();
        Der.Reader publicKeyField = sec1.nested(Der.CONTEXT_1);
        byte[] storedPoint = publicKeyField.bitString();
        publicKeyField.expectEnd();
        sec1.expectEnd();
        if (scalar.length != curve.scalarBytes()) {
            throw outer.error("private scalar must be " + curve.scalarBytes() + " bytes for " + curve.displayName()
                    + ", not " + scalar.length);
        }
        BigInteger d = curve.checkScalar(new BigInteger(1, scalar), "ECDSA private key");
        ECPoint point = curve.publicPoint(d);
        if (!MessageDigest.isEqual(point.getEncoded(false), storedPoint)) {
            throw outer.error("stored public key does not match the private scalar");
        }
        return new EcdsaPrivateKey(curve, d, point);
    }

    @Override
    public KeyType type() {
        return KeyType.ECDSA;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return Ecdsa.sign(parameters, data, false);
    }

    @Override
    byte[] data() {
        byte[] scalar = BigIntegers.asUnsignedByteArray(curve.scalarBytes(), parameters.getD());
        return Der.element(Der.SEQUENCE,
                Der.integer(BigInteger.ONE),
                Der.element(Der.OCTET_STRING, scalar),
                Der.element(Der.CONTEXT_0, Der.element(Der.OBJECT_IDENTIFIER, curve.oid())),
                Der.element(Der.CONTEXT_1, Der.bitString(publicKey.pointEncoding())));
    }
}
