package io.meshwork.benchmarks;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The public-key operations of one Noise XX handshake, BouncyCastle against the JDK's own providers (SunEC), each
 * with raw 32-byte keys in and out as the handshake has them: X25519 key generation, X25519 agreement with a raw
 * remote public key, Ed25519 signing of a 48-byte message and verification against a raw public key. Tells which
 * implementation to use on the running JDK.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyExchangeBench {

    private final SecureRandom random = new SecureRandom();
    private byte[] privateKey;
    private byte[] remotePublic;
    private final byte[] message = new byte[48];
    private Ed25519PrivateKeyParameters bcSigning;
    private Ed25519PublicKeyParameters bcVerifying;
    private byte[] signature;
    private java.security.PrivateKey jdkSigning;
    private byte[] ed25519Public;
    private KeyFactory xdh;
    private KeyFactory ed;
    private KeyPairGenerator xdhGenerator;

    @Setup
    public void setup() throws Exception {
        privateKey = new byte[32];
        X25519.generatePrivateKey(random, privateKey);
        byte[] other = new byte[32];
        X25519.generatePrivateKey(random, other);
        remotePublic = new byte[32];
        X25519.generatePublicKey(other, 0, remotePublic, 0);
        random.nextBytes(message);
        bcSigning = new Ed25519PrivateKeyParameters(random);
        bcVerifying = bcSigning.generatePublicKey();
        ed25519Public = bcVerifying.getEncoded();
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, bcSigning);
        s.update(message, 0, message.length);
        signature = s.generateSignature();
        xdh = KeyFactory.getInstance("XDH");
        ed = KeyFactory.getInstance("Ed25519");
        xdhGenerator = KeyPairGenerator.getInstance("X25519");
        jdkSigning = ed.generatePrivate(new java.security.spec.EdECPrivateKeySpec(NamedParameterSpec.ED25519,
                bcSigning.getEncoded()));
    }

    @Benchmark
    public byte[] x25519GenerateBc() {
        byte[] k = new byte[32];
        X25519.generatePrivateKey(random, k);
        byte[] pub = new byte[32];
        X25519.generatePublicKey(k, 0, pub, 0);
        return pub;
    }

    @Benchmark
    public byte[] x25519GenerateJdk() throws Exception {
        KeyPair kp = xdhGenerator.generateKeyPair();
        ((XECPrivateKey) kp.getPrivate()).getScalar().orElseThrow();
        return ((java.security.interfaces.XECPublicKey) kp.getPublic()).getU().toByteArray();
    }

    @Benchmark
    public byte[] x25519AgreeBc() {
        byte[] shared = new byte[32];
        X25519.calculateAgreement(privateKey, 0, remotePublic, 0, shared, 0);
        return shared;
    }

    @Benchmark
    public byte[] x25519AgreeJdk() throws Exception {
        byte[] le = remotePublic.clone();
        le[31] &= 0x7f;
        byte[] be = new byte[33];
        for (int i = 0; i < 32; i++) {
            be[32 - i] = le[i];
        }
        java.security.PublicKey pub = xdh.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                new BigInteger(be)));
        java.security.PrivateKey priv = xdh.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519,
                privateKey));
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(priv);
        ka.doPhase(pub, true);
        return ka.generateSecret();
    }

    @Benchmark
    public byte[] ed25519SignBc() {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, bcSigning);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    @Benchmark
    public byte[] ed25519SignJdk() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(jdkSigning);
        s.update(message);
        return s.sign();
    }

    @Benchmark
    public boolean ed25519VerifyBc() {
        Ed25519PublicKeyParameters key = new Ed25519PublicKeyParameters(ed25519Public);
        Ed25519Signer s = new Ed25519Signer();
        s.init(false, key);
        s.update(message, 0, message.length);
        return s.verifySignature(signature);
    }

    @Benchmark
    public boolean ed25519VerifyJdk() throws Exception {
        byte[] y = new byte[32];
        for (int i = 0; i < 32; i++) {
            y[i] = ed25519Public[31 - i];
        }
        boolean xOdd = (y[0] & 0x80) != 0;
        y[0] &= 0x7f;
        java.security.PublicKey key = ed.generatePublic(new java.security.spec.EdECPublicKeySpec(
                NamedParameterSpec.ED25519, new java.security.spec.EdECPoint(xOdd, new BigInteger(1, y))));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
    }
}
