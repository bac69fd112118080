package io.meshwork.libp2p.api;

import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's long-term identity: its Peer ID and the key pair behind it. The private key never leaves the
 * provider; callers ask it to sign. Implementations are thread-safe.
 */
@ProviderType
public interface HostIdentity {

    /** The Peer ID derived from {@link #publicKey()}. */
    PeerId peerId();

    /** The identity public key. */
    PublicKey publicKey();

    /**
     * Signs {@code data} with the identity private key, as libp2p signs with that key type (plain Ed25519 for
     * Ed25519 keys).
     */
    byte[] sign(byte[] data);
}
