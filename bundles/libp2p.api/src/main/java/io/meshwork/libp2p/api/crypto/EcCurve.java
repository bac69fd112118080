package io.meshwork.libp2p.api.crypto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.jspecify.annotations.Nullable;

/**
 * The elliptic curves libp2p keys use: the NIST curves go-libp2p accepts for {@link KeyType#ECDSA} keys, and
 * secp256k1. Holds each curve's DER object identifier and BouncyCastle domain parameters.
 */
enum EcCurve {
    P224("P-224", "secp224r1", new byte[] {0x2b, (byte) 0x81, 0x04, 0x00, 0x21}),
    P256("P-256", "secp256r1", new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07}),
    P384("P-384", "secp384r1", new byte[] {0x2b, (byte) 0x81, 0x04, 0x00, 0x22}),
    P521("P-521", "secp521r1", new byte[] {0x2b, (byte) 0x81, 0x04, 0x00, 0x23}),
    SECP256K1("secp256k1", "secp256k1", new byte[] {0x2b, (byte) 0x81, 0x04, 0x00, 0x0a});

    private final String displayName;
    private final byte[] oid;
    private final ECDomainParameters domain;
    private final int fieldBytes;
    private final int orderBytes;

    EcCurve(String displayName, String bouncyCastleName, byte[] oid) {
        this.displayName = displayName;
        this.oid = oid;
        X9ECParameters parameters = CustomNamedCurves.getByName(bouncyCastleName);
        this.domain = new ECDomainParameters(parameters);
        this.fieldBytes = (parameters.getCurve().getFieldSize() + 7) / 8;
        this.orderBytes = (parameters.getN().bitLength() + 7) / 8;
    }

    /** The NIST curve with the given DER object identifier contents, or {@code null}. */
    static @Nullable EcCurve nistByOid(byte[] oid) {
        for (EcCurve curve : values()) {
            if (curve != SECP256K1 && Arrays.equals(curve.oid, oid)) {
                return curve;
            }
        }
        return null;
    }

    String displayName() {
        return displayName;
    }

    byte[] oid() {
        return oid.clone();
    }

    ECDomainParameters domain() {
        return domain;
    }

    /** The length of a private scalar as go-libp2p writes it: the byte length of the group order. */
    int scalarBytes() {
        return orderBytes;
    }

    /** The length of an uncompressed point encoding. */
    int uncompressedPointBytes() {
        return 1 + 2 * fieldBytes;
    }

    /**
     * Decodes a point and checks that it lies on the curve.
     *
     * @throws MalformedDataException if the encoding is not a valid point
     */
    ECPoint decodePoint(byte[] encoded, String what) {
        ECPoint point;
        try {
            // BouncyCastle signals an invalid encoding or an off-curve point with IllegalArgumentException.
            point = domain.getCurve().decodePoint(encoded);
        } catch (IllegalArgumentException e) {
            throw new MalformedDataException(what + " is not a valid " + displayName + " point: " + e.getMessage(),
                    e);
        }
        if (point.isInfinity() || !point.isValid()) {
            throw new MalformedDataException(what + " is not a valid " + displayName + " point");
        }
        return point;
    }

    /**
     * Checks that {@code d} is a valid private scalar, {@code 1 <= d < n}.
     *
     * @throws MalformedDataException otherwise
     */
    BigInteger checkScalar(BigInteger d, String what) {
        if (d.signum() <= 0 || d.compareTo(domain.getN()) >= 0) {
            throw new MalformedDataException(what + " is outside the valid range [1, n) of " + displayName);
        }
        return d;
    }

    ECPoint publicPoint(BigInteger d) {
        return new FixedPointCombMultiplier().multiply(domain.getG(), d).normalize();
    }
}
