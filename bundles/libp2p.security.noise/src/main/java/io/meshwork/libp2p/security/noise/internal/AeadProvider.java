package io.meshwork.libp2p.security.noise.internal;

/**
 * Which ChaCha20-Poly1305 implementation Noise uses. Both give identical bytes; they differ in speed, which
 * depends on the JDK (later JDKs have ChaCha20 and Poly1305 intrinsics). A configuration property can name one
 * of these constants; {@link #AUTO} is the default.
 *
 * <p>Immutable and thread-safe.
 */
public enum AeadProvider {

    /** The JDK's cipher when this JDK provides it, BouncyCastle otherwise. */
    AUTO,
    /** {@code javax.crypto.Cipher} "ChaCha20-Poly1305". */
    JDK,
    /** BouncyCastle's lightweight {@code ChaCha20Poly1305} engine. */
    BOUNCY_CASTLE;

    /** The concrete provider this one stands for: {@link #AUTO} resolved, any other constant itself. */
    public AeadProvider resolve() {
        if (this != AUTO) {
            return this;
        }
        return JdkAvailability.AVAILABLE ? JDK : BOUNCY_CASTLE;
    }

    /** Whether this implementation can be used on this JVM. */
    public boolean isAvailable() {
        return this != JDK || JdkAvailability.AVAILABLE;
    }

    /**
     * A new, unkeyed AEAD of this implementation.
     *
     * @throws IllegalStateException if this is {@link #JDK} and the JDK lacks the cipher
     */
    public Aead newAead() {
        switch (resolve()) {
            case JDK:
                return new JdkChaChaPolyAead();
            case BOUNCY_CASTLE:
                return new BouncyCastleChaChaPolyAead();
            default:
                throw new AssertionError("unresolved provider " + this);
        }
    }

    /** Probed once, on first use of {@link #AUTO} or {@link #isAvailable()}. */
    private static final class JdkAvailability {
        static final boolean AVAILABLE = JdkChaChaPolyAead.isAvailable();
    }
}
