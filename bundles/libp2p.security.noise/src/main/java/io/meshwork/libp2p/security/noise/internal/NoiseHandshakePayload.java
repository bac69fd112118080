package io.meshwork.libp2p.security.noise.internal;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The libp2p {@code NoiseHandshakePayload} carried (encrypted) in XX messages 2 and 3:
 *
 * <pre>
 * message NoiseHandshakePayload {
 *   optional bytes identity_key = 1;           // marshalled libp2p PublicKey
 *   optional bytes identity_sig = 2;           // identity signature over "noise-libp2p-static-key:" || s
 *   optional NoiseExtensions extensions = 4;   // field 3 is unused
 * }
 * </pre>
 *
 * Decoding is strict: each known field at most once and with its proper wire type, unknown fields skipped,
 * lengths bounded before allocation. Presence of the key and signature is checked by the handshake, not here.
 *
 * <p>Immutable and thread-safe.
 */
record NoiseHandshakePayload(byte @Nullable [] identityKey, byte @Nullable [] identitySig,
        @Nullable NoiseExtensions extensions) {

    /** Longest identity key accepted; {@code PublicKey.unmarshal} allows no more. */
    static final int MAX_IDENTITY_KEY_LENGTH = 4096;
    /** Longest identity signature accepted; an RSA-8192 signature is 1024 bytes. */
    static final int MAX_IDENTITY_SIG_LENGTH = 2048;

    private static final int IDENTITY_KEY = 1;
    private static final int IDENTITY_SIG = 2;
    private static final int EXTENSIONS = 4;

    NoiseHandshakePayload {
        identityKey = identityKey == null ? null : identityKey.clone();
        identitySig = identitySig == null ? null : identitySig.clone();
    }

    byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        if (identityKey != null) {
            w.lengthDelimited(IDENTITY_KEY, identityKey);
        }
        if (identitySig != null) {
            w.lengthDelimited(IDENTITY_SIG, identitySig);
        }
        if (extensions != null) {
            w.lengthDelimited(EXTENSIONS, extensions.encode());
        }
        return w.toByteArray();
    }

    /**
     * @throws NoiseException {@link NoiseException.Reason#MALFORMED_PAYLOAD} if the bytes are not a valid payload
     */
    static NoiseHandshakePayload decode(byte[] bytes) throws NoiseException {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "NoiseHandshakePayload");
        byte[] key = null;
        byte[] sig = null;
        NoiseExtensions extensions = null;
        while (r.hasMore()) {
            int at = r.position();
            int tag = r.readTag();
            int field = ProtoReader.fieldNumber(tag);
            if (field != IDENTITY_KEY && field != IDENTITY_SIG && field != EXTENSIONS) {
                r.skip(tag);
                continue;
            }
            if (ProtoReader.wireType(tag) != ProtoReader.LEN) {
                throw r.malformed("field " + field + " must be length-delimited, not wire type "
                        + ProtoReader.wireType(tag), at);
            }
            switch (field) {
                case IDENTITY_KEY:
                    if (key != null) {
                        throw r.malformed("duplicate identity_key", at);
                    }
                    key = r.readBytes(MAX_IDENTITY_KEY_LENGTH, "identity_key");
                    break;
                case IDENTITY_SIG:
                    if (sig != null) {
                        throw r.malformed("duplicate identity_sig", at);
                    }
                    sig = r.readBytes(MAX_IDENTITY_SIG_LENGTH, "identity_sig");
                    break;
                default:
                    if (extensions != null) {
                        throw r.malformed("duplicate extensions", at);
                    }
                    int start = r.readLengthDelimited(HandshakeState.MAX_MESSAGE_LENGTH, "extensions");
                    extensions = NoiseExtensions.decode(bytes, start, r.position() - start);
                    break;
            }
        }
        return new NoiseHandshakePayload(key, sig, extensions);
    }

    @Override
    public byte @Nullable [] identityKey() {
        return identityKey == null ? null : identityKey.clone();
    }

    @Override
    public byte @Nullable [] identitySig() {
        return identitySig == null ? null : identitySig.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NoiseHandshakePayload
                && Arrays.equals(identityKey, ((NoiseHandshakePayload) other).identityKey)
                && Arrays.equals(identitySig, ((NoiseHandshakePayload) other).identitySig)
                && Objects.equals(extensions, ((NoiseHandshakePayload) other).extensions);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(identityKey) + Arrays.hashCode(identitySig))
                + Objects.hashCode(extensions);
    }

    @Override
    public String toString() {
        return "NoiseHandshakePayload[identity_key " + (identityKey == null ? "absent" : identityKey.length + " bytes")
                + ", identity_sig " + (identitySig == null ? "absent" : identitySig.length + " bytes")
                + ", " + extensions + "]";
    }
}
