package io.meshwork.libp2p.security.noise.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "libp2p Noise", description = "The /noise security channel.")
public @interface NoiseConfig {

    @AttributeDefinition(name = "AEAD implementation", description = "ChaCha20-Poly1305 implementation: auto (the"
            + " JDK's when available: 2x faster than BouncyCastle on JDK 17, 16x on JDK 25), jdk or bouncycastle.",
            options = {@Option(value = "auto"), @Option(value = "jdk"), @Option(value = "bouncycastle")})
    String aead() default "auto";

    @AttributeDefinition(name = "Max pending write bytes", description = "Plaintext a connection queues before"
            + " writes fail fast (writers are expected to wait for earlier writes).")
    int max_pending_write_bytes() default 8 * 1024 * 1024;

    @AttributeDefinition(name = "Max held read bytes", description = "Decrypted data held while the reader is"
            + " paused or not yet set, before the socket is paused too.")
    int max_held_read_bytes() default 1024 * 1024;
}
