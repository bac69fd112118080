package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.math.BigInteger;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * secp256k1 private key: {@code Data} is the 32-byte big-endian scalar. Signatures are deterministic (RFC 6979)
 * and low-S, as Bitcoin and go-libp2p produce them.
 */
final class Secp256k1PrivateKey extends PrivateKey {

    private static final int LENGTH = 32;

    private final ECPrivateKeyParameters parameters;
    private final Secp256k1PublicKey publicKey;

    private Secp256k1PrivateKey(BigInteger d) {
        this.parameters = new ECPrivateKeyParameters(d, EcCurve.SECP256K1.domain());
        this.publicKey = new Secp256k1PublicKey(EcCurve.SECP256K1.publicPoint(d));
    }

    static Secp256k1PrivateKey fromData(byte[] data) {
        if (data.length != LENGTH) {
            throw new MalformedDataException("secp256k1 private key must be 32 bytes, not " + data.length);
        }
        return new Secp256k1PrivateKey(EcCurve.SECP256K1.checkScalar(new BigInteger(1, data),
                "secp256k1 private key"));
    }

    @Override
    public KeyType type() {
        return KeyType.SECP256K1;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return Ecdsa.sign(parameters, data, true);
    }

    @Override
    byte[] data() {
        return BigIntegers.asUnsignedByteArray(LENGTH, parameters.getD());
    }
}
