package io.meshwork.libp2p.api.peer;

import io.meshwork.libp2p.api.codec.Base58;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Multibase;
import io.meshwork.libp2p.api.codec.Multihash;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.crypto.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A libp2p Peer ID: the multihash of the peer's marshalled {@link PublicKey}. Keys whose marshalled form is at
 * most {@value #MAX_INLINE_KEY_LENGTH} bytes (Ed25519, secp256k1) are inlined with the identity multihash, so the
 * key can be recovered from the ID; longer keys (RSA, ECDSA) are hashed with SHA2-256.
 *
 * <p>Every instance is valid: its multihash is either SHA2-256 with a 32-byte digest, or identity over a
 * decodable public key of at most {@value #MAX_INLINE_KEY_LENGTH} bytes (a longer inlined key would give the same
 * key a second ID). Immutable and thread-safe; equality is on the multihash bytes, and ordering is the unsigned
 * lexicographic order of those bytes.
 */
public final class PeerId implements Comparable<PeerId> {

    /** Marshalled keys up to this length are inlined in the ID rather than hashed. */
    public static final int MAX_INLINE_KEY_LENGTH = 42;

    /** Longest text accepted by {@link #parse(String)}; real IDs are at most about 80 characters. */
    public static final int MAX_TEXT_LENGTH = 256;

    private static final int CID_VERSION = 0x01;
    private static final int LIBP2P_KEY_CODEC = 0x72;

    private final byte[] bytes;
    private final @Nullable PublicKey publicKey;

    private PeerId(byte[] bytes, @Nullable PublicKey publicKey) {
        this.bytes = bytes;
        this.publicKey = publicKey;
    }

    /** The Peer ID of {@code key}. */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] marshalled = key.marshal();
        if (marshalled.length <= MAX_INLINE_KEY_LENGTH) {
            return new PeerId(Multihash.identity(marshalled).encode(), key);
        }
        return new PeerId(Multihash.sha256(marshalled).encode(), null);
    }

    /**
     * Decodes the binary form (the multihash bytes).
     *
     * @throws MalformedDataException if the bytes are not a valid Peer ID multihash
     */
    public static PeerId fromBytes(byte[] bytes) {
        Multihash multihash = Multihash.decode(bytes);
        switch (multihash.code()) {
            case Multihash.SHA2_256:
                return new PeerId(bytes.clone(), null);
            case Multihash.IDENTITY:
                if (multihash.digestLength() > MAX_INLINE_KEY_LENGTH) {
                    throw new MalformedDataException("identity Peer ID inlines a " + multihash.digestLength()
                            + "-byte key; keys longer than " + MAX_INLINE_KEY_LENGTH + " bytes must be hashed");
                }
                PublicKey key;
                try {
                    key = PublicKey.unmarshal(multihash.digest());
                } catch (MalformedDataException e) {
                    throw new MalformedDataException("identity Peer ID does not hold a valid public key: "
                            + e.getMessage(), e);
                }
                return new PeerId(bytes.clone(), key);
            default:
                throw new MalformedDataException("Peer ID multihash uses hash code 0x"
                        + Integer.toHexString(multihash.code()) + "; only identity and sha2-256 are allowed");
        }
    }

    /**
     * Parses either text form: a string starting with {@code 1} or {@code Qm} is a bare base58btc multihash;
     * anything else must be a multibase CIDv1 with the {@code libp2p-key} codec.
     *
     * @throws MalformedDataException if the text is not a valid Peer ID in either form
     */
    public static PeerId parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MalformedDataException("Peer ID text of " + text.length() + " characters exceeds the limit of "
                    + MAX_TEXT_LENGTH);
        }
        if (text.startsWith("1") || text.startsWith("Qm")) {
            return fromBytes(Base58.decode(text));
        }
        byte[] cid = Multibase.decode(text);
        Varint.Decoded version = Varint.decode(cid, 0);
        if (version.value() != CID_VERSION) {
            throw new MalformedDataException("Peer ID CID must be version 1, not " + version.value());
        }
        Varint.Decoded codec = Varint.decode(cid, version.length());
        if (codec.value() != LIBP2P_KEY_CODEC) {
            throw new MalformedDataException("Peer ID CID must use the libp2p-key codec 0x72, not 0x"
                    + Long.toHexString(codec.value()));
        }
        return fromBytes(Arrays.copyOfRange(cid, version.length() + codec.length(), cid.length));
    }

    /** The binary form: the multihash bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The multihash. */
    public Multihash multihash() {
        return Multihash.decode(bytes);
    }

    /** The legacy text form: base58btc of the multihash, e.g. {@code 12D3KooW...} or {@code Qm...}. */
    public String toBase58() {
        return Base58.encode(bytes);
    }

    /** The CIDv1 text form in base32, e.g. {@code bafz...}. */
    public String toCidString() {
        return toCidString(Multibase.Encoding.BASE32);
    }

    /** The CIDv1 text form in the given multibase encoding. */
    public String toCidString(Multibase.Encoding encoding) {
        byte[] cid = new byte[2 + bytes.length];
        cid[0] = CID_VERSION;
        cid[1] = LIBP2P_KEY_CODEC;
        System.arraycopy(bytes, 0, cid, 2, bytes.length);
        return Multibase.encode(encoding, cid);
    }

    /** The public key, if it is inlined in the ID (identity multihash); hashed IDs never reveal it. */
    public Optional<PublicKey> publicKey() {
        return Optional.ofNullable(publicKey);
    }

    /** Whether this is the ID of {@code key}. */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof PeerId && Arrays.equals(bytes, ((PeerId) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The base58btc form. */
    @Override
    public String toString() {
        return toBase58();
    }
}
