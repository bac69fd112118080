package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1: 33-byte compressed point (Bitcoin encoding); ECDSA over SHA-256 of the message with DER signatures.
 * Uncompressed encodings are rejected because they would not re-encode to the same bytes; libp2p
 * implementations always emit the compressed form.
 */
final class Secp256k1PublicKey extends PublicKey {

    private static final int LENGTH = 33;

    private final ECPublicKeyParameters parameters;

    Secp256k1PublicKey(byte[] data) {
        super(data);
        if (data.length != LENGTH || (data[0] != 0x02 && data[0] != 0x03)) {
            throw new MalformedDataException("secp256k1 public key must be a 33-byte compressed point starting with "
                    + "0x02 or 0x03 (got " + data.length + " bytes)");
        }
        ECPoint point = EcCurve.SECP256K1.decodePoint(data, "secp256k1 public key");
        this.parameters = new ECPublicKeyParameters(point, EcCurve.SECP256K1.domain());
    }

    Secp256k1PublicKey(ECPoint point) {
        super(point.getEncoded(true));
        this.parameters = new ECPublicKeyParameters(point, EcCurve.SECP256K1.domain());
    }

    @Override
    public KeyType type() {
        return KeyType.SECP256K1;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        return Ecdsa.verify(parameters, data, signature);
    }
}
