package io.meshwork.libp2p.api.crypto;

import static io.meshwork.libp2p.api.crypto.SpecVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicKeyTest {

    private static final byte[] MESSAGE = "cross-implementation".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void unmarshalRejectsMissingReorderedDuplicateAndUnknownFields() {
        String data = "12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
        assertMalformed("", "missing required field 1");
        assertMalformed("0801", "missing required field 2");
        assertMalformed(data + "0801", "must start with field 1");
        assertMalformed("0801" + data + "0801", "unexpected bytes after field 2");
        assertMalformed("0801" + data + "1a00", "unexpected bytes after field 2");
        assertMalformed("08010801" + data, "must continue with field 2");
    }

    @Test
    void unmarshalRejectsNonMinimalVarintsUnknownTypesAndTruncation() {
        assertMalformed("088100" + "12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
                "not minimally encoded");
        assertMalformed("0805" + "1200", "unknown key type 5");
        assertMalformed("08011221" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
                "truncated");
        assertMalformed("080112a000" + "00".repeat(32), "not minimally encoded");
    }

    @Test
    void unmarshalRejectsKeysOfTheWrongShape() {
        assertMalformed("0801121f" + "00".repeat(31), "32 bytes");
        // secp256k1: uncompressed form, bad prefix, and an x coordinate with no point on the curve.
        String uncompressed = "04" + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
        assertMalformed("08021241" + uncompressed, "compressed");
        assertMalformed("08021221" + "05" + "00".repeat(32), "compressed");
        assertMalformed("08021221" + "02" + "00".repeat(31) + "05", "not a valid secp256k1 point");
        // ECDSA: P-256 SPKI with a point that is not on the curve.
        String spkiPrefix = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
        assertMalformed("0803125b" + spkiPrefix + "04" + "01".repeat(64), "not a valid P-256 point");
    }

    @Test
    void unmarshalRejectsEcdsaKeysWithCompressedPointsUnsupportedCurvesOrTrailingBytes() {
        String p256Oid = "06082a8648ce3d030107";
        String secp256k1Oid = "06052b8104000a";
        PublicKey.fromRaw(KeyType.ECDSA, ecSpki("secp256r1", p256Oid, false));

        MalformedDataException compressed = assertThrows(MalformedDataException.class,
                () -> PublicKey.fromRaw(KeyType.ECDSA, ecSpki("secp256r1", p256Oid, true)));
        assertTrue(compressed.getMessage().contains("uncompressed"), compressed.getMessage());
        MalformedDataException curve = assertThrows(MalformedDataException.class,
                () -> PublicKey.fromRaw(KeyType.ECDSA, ecSpki("secp256k1", secp256k1Oid, false)));
        assertTrue(curve.getMessage().contains("unsupported curve"), curve.getMessage());
        byte[] data = PublicKey.unmarshal(bytes(SpecVectors.ECDSA_PUBLIC)).raw();
        byte[] trailing = Arrays.copyOf(data, data.length + 1);
        assertThrows(MalformedDataException.class, () -> PublicKey.fromRaw(KeyType.ECDSA, trailing));
    }

    @Test
    void rsaKeysBelow2048BitsAreRejected() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        byte[] spki = generator.generateKeyPair().getPublic().getEncoded();
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PublicKey.fromRaw(KeyType.RSA, spki));
        assertTrue(e.getMessage().contains("1024 bits"), e.getMessage());
    }

    @Test
    void rsaSignatureFromTheJdkVerifies() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();

        PublicKey key = PublicKey.fromRaw(KeyType.RSA, pair.getPublic().getEncoded());
        assertTrue(key.verify(MESSAGE, signature));
        signature[10] ^= 1;
        assertFalse(key.verify(MESSAGE, signature));
        assertFalse(key.verify(MESSAGE, new byte[3]));
    }

    @ParameterizedTest(name = "{0} signature from the JDK verifies")
    @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
    void ecdsaSignaturesFromTheJdkVerify(String curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = generator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();

        PublicKey key = PublicKey.fromRaw(KeyType.ECDSA, pair.getPublic().getEncoded());
        assertTrue(key.verify(MESSAGE, signature));
        assertFalse(key.verify("other".getBytes(StandardCharsets.UTF_8), signature));
        assertEquals(key, PublicKey.unmarshal(key.marshal()));
    }

    @Test
    void ecdsaSignatureFromThisBundleVerifiesInTheJdk() throws GeneralSecurityException {
        PrivateKey key = PrivateKey.unmarshal(bytes(SpecVectors.ECDSA_PRIVATE));
        byte[] signature = key.sign(MESSAGE);
        java.security.PublicKey jdkKey = KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(key.publicKey().raw()));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(jdkKey);
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(signature));
    }

    @Test
    void ed25519SignatureFromTheJdkVerifies() throws GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        byte[] spki = pair.getPublic().getEncoded();
        PublicKey key = PublicKey.fromRaw(KeyType.ED25519, Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        assertTrue(key.verify(MESSAGE, signature));
    }

    @Test
    void secp256k1AcceptsHighAndLowSSignaturesMadeWithBouncyCastle() {
        X9ECParameters curve = CustomNamedCurves.getByName("secp256k1");
        ECDomainParameters domain = new ECDomainParameters(curve);
        BigInteger d = new BigInteger(255, RANDOM).add(BigInteger.ONE);
        byte[] compressed = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize().getEncoded(true);
        PublicKey key = PublicKey.fromRaw(KeyType.SECP256K1, compressed);

        ECDSASigner signer = new ECDSASigner();
        signer.init(true, new ECPrivateKeyParameters(d, domain));
        BigInteger[] rs = signer.generateSignature(sha256(MESSAGE));
        BigInteger highS = rs[1].compareTo(curve.getN().shiftRight(1)) > 0 ? rs[1] : curve.getN().subtract(rs[1]);
        BigInteger lowS = curve.getN().subtract(highS);
        assertTrue(key.verify(MESSAGE, der(rs[0], lowS)));
        assertTrue(key.verify(MESSAGE, der(rs[0], highS)));
        assertFalse(key.verify(MESSAGE, der(rs[0].add(BigInteger.ONE), lowS)));
    }

    @Test
    void secp256k1SignaturesFromThisBundleAreLowS() {
        PrivateKey key = PrivateKey.unmarshal(bytes(SpecVectors.SECP256K1_PRIVATE));
        BigInteger halfOrder = CustomNamedCurves.getByName("secp256k1").getN().shiftRight(1);
        for (int i = 0; i < 20; i++) {
            byte[] message = new byte[] {(byte) i};
            byte[] signature = key.sign(message);
            int rLength = signature[3];
            int sLength = signature[4 + rLength + 1];
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 6 + rLength, 6 + rLength + sLength));
            assertTrue(s.compareTo(halfOrder) <= 0, "s must be in the lower half");
            assertTrue(key.publicKey().verify(message, signature));
        }
    }

    @Test
    void verifyReportsMalformedSignaturesAsInvalidForEveryKeyType() {
        byte[][] garbage = {new byte[0], new byte[] {0x30}, new byte[64], new byte[600],
                bytes("3006020100020100"), bytes("30060201ff020101"), bytes("300702020001020101"),
                bytes("3080020101020101"), bytes("30060201010201010000")};
        for (String hex : new String[] {SpecVectors.ED25519_PUBLIC, SpecVectors.SECP256K1_PUBLIC,
                SpecVectors.ECDSA_PUBLIC, SpecVectors.RSA_PUBLIC}) {
            PublicKey key = PublicKey.unmarshal(bytes(hex));
            for (byte[] signature : garbage) {
                assertFalse(key.verify(MESSAGE, signature), key + " accepted " + HexFormat.of().formatHex(signature));
            }
        }
    }

    @Test
    void toStringOfLargeKeysIsShort() {
        assertEquals("RSA 4096-bit public key", PublicKey.unmarshal(bytes(SpecVectors.RSA_PUBLIC)).toString());
        assertEquals("ECDSA P-256 public key", PublicKey.unmarshal(bytes(SpecVectors.ECDSA_PUBLIC)).toString());
    }

    private static void assertMalformed(String hex, String expectedMessagePart) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> PublicKey.unmarshal(bytes(hex)));
        assertTrue(e.getMessage().contains(expectedMessagePart),
                "expected '" + expectedMessagePart + "' in: " + e.getMessage());
    }

    private static byte[] der(BigInteger r, BigInteger s) {
        byte[] rBytes = r.toByteArray();
        byte[] sBytes = s.toByteArray();
        byte[] out = new byte[6 + rBytes.length + sBytes.length];
        out[0] = 0x30;
        out[1] = (byte) (4 + rBytes.length + sBytes.length);
        out[2] = 0x02;
        out[3] = (byte) rBytes.length;
        System.arraycopy(rBytes, 0, out, 4, rBytes.length);
        out[4 + rBytes.length] = 0x02;
        out[5 + rBytes.length] = (byte) sBytes.length;
        System.arraycopy(sBytes, 0, out, 6 + rBytes.length, sBytes.length);
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A DER SubjectPublicKeyInfo holding the generator of the named curve. */
    private static byte[] ecSpki(String curveName, String curveOidTlv, boolean compressed) {
        byte[] point = CustomNamedCurves.getByName(curveName).getG().getEncoded(compressed);
        String algorithm = "06072a8648ce3d0201" + curveOidTlv;
        String algorithmTlv = "30" + String.format("%02x", algorithm.length() / 2) + algorithm;
        String bitString = "03" + String.format("%02x", point.length + 1) + "00" + HexFormat.of().formatHex(point);
        String content = algorithmTlv + bitString;
        return HexFormat.of().parseHex("30" + String.format("%02x", content.length() / 2) + content);
    }
}
