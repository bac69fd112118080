package io.meshwork.libp2p.api.host;

import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the host knows about peers: addresses (with expiry), keys, protocols, agent version and the addresses
 * peers observed for us. Bounded: least recently used peers without connections are evicted. Thread-safe.
 */
@ProviderType
public interface PeerStore {

    /** How long addresses learnt from different sources are kept. */
    Duration PERMANENT = Duration.ofDays(365 * 100L);

    void addAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl);

    /** Replaces the peer's addresses (e.g. from a signed peer record). */
    void setAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl);

    /** Unexpired addresses, most recently confirmed first. */
    List<Multiaddr> addresses(PeerId peer);

    /**
     * Stores a peer's signed peer record (the marshalled envelope of a
     * {@link io.meshwork.libp2p.api.record.PeerRecord}) and replaces the peer's addresses with the certified
     * ones, unless the store already holds a record of that peer with an equal or higher sequence number.
     *
     * @return true if the record was stored; false if it was older than the stored one
     * @throws IllegalArgumentException if the envelope is not a validly signed peer record
     */
    boolean addPeerRecord(byte[] signedEnvelope, Duration ttl);

    /** The newest signed peer record stored for {@code peer} (the marshalled envelope), if any. */
    Optional<byte[]> peerRecord(PeerId peer);

    void setPublicKey(PeerId peer, PublicKey key);

    Optional<PublicKey> publicKey(PeerId peer);

    void setProtocols(PeerId peer, Set<String> protocols);

    Set<String> protocols(PeerId peer);

    void setAgentVersion(PeerId peer, String agentVersion);

    Optional<String> agentVersion(PeerId peer);

    /** Peers with anything stored. */
    Set<PeerId> peers();

    /** Records that a peer reported seeing us at {@code address} (identify {@code observedAddr}). */
    void addObservedAddress(Multiaddr address);

    /** Addresses other peers reported seeing us at (identify {@code observedAddr}), most confirmed first. */
    List<Multiaddr> observedAddresses();

    /**
     * Records that {@code observer} reported seeing us at {@code address}; repeated reports by one peer count once.
     *
     * @since 1.2
     */
    default void addObservedAddress(Multiaddr address, PeerId observer) {
        addObservedAddress(address);
    }

    /**
     * How many distinct peers reported seeing us at {@code address} (0 if none), so that an address seen by a
     * single, possibly lying, peer is not trusted.
     *
     * @since 1.2
     */
    default int observedAddressConfirmations(Multiaddr address) {
        return observedAddresses().contains(address) ? 1 : 0;
    }
}
