package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519: 32-byte public key, plain RFC 8032 signatures over the message itself. */
final class Ed25519PublicKey extends PublicKey {

    private final Ed25519PublicKeyParameters parameters;

    Ed25519PublicKey(byte[] data) {
        super(data);
        if (data.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new MalformedDataException("Ed25519 public key must be 32 bytes, not " + data.length);
        }
        try {
            // BouncyCastle rejects encodings that are not points on the curve with IllegalArgumentException.
            this.parameters = new Ed25519PublicKeyParameters(data);
        } catch (IllegalArgumentException e) {
            throw new MalformedDataException("Ed25519 public key is not a valid curve point", e);
        }
    }

    Ed25519PublicKey(Ed25519PublicKeyParameters parameters) {
        super(parameters.getEncoded());
        this.parameters = parameters;
    }

    @Override
    public KeyType type() {
        return KeyType.ED25519;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, parameters);
        verifier.update(data, 0, data.length);
        return verifier.verifySignature(signature);
    }
}
