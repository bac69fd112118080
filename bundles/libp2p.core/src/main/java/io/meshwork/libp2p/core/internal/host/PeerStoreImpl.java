package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.PeerStore;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.PeerRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bounded, in-memory peer store: at most {@code maxPeers} peers (least recently used evicted), at most
 * {@code maxAddressesPerPeer} addresses each, expiring addresses, and the most confirmed observed addresses.
 * Thread-safe through one monitor (operations are short and do no I/O).
 */
final class PeerStoreImpl implements PeerStore {

    private static final int MAX_OBSERVED = 16;
    private static final int MAX_OBSERVERS = 32;

    private final Clock clock;
    private final int maxPeers;
    private final int maxAddressesPerPeer;
    private final LinkedHashMap<PeerId, Info> peers;
    private final LinkedHashMap<Multiaddr, Integer> observed = new LinkedHashMap<>();
    private final Map<Multiaddr, Set<PeerId>> observers = new java.util.HashMap<>();

    private static final class Info {
        final LinkedHashMap<Multiaddr, Instant> addresses = new LinkedHashMap<>();
        PublicKey key;
        Set<String> protocols = Set.of();
        String agent;
        byte[] record;
        long recordSeq = Long.MIN_VALUE;
    }

    PeerStoreImpl(Clock clock, int maxPeers, int maxAddressesPerPeer) {
        this.clock = clock;
        this.maxPeers = maxPeers;
        this.maxAddressesPerPeer = maxAddressesPerPeer;
        this.peers = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, Info> eldest) {
                return size() > PeerStoreImpl.this.maxPeers;
            }
        };
    }

    private Info info(PeerId peer) {
        return peers.computeIfAbsent(peer, p -> new Info());
    }

    @Override
    public synchronized void addAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
        Info i = info(peer);
        Instant expires = expiry(ttl);
        for (Multiaddr a : addresses) {
            Multiaddr plain = a.withoutPeerId();
            i.addresses.remove(plain);
            i.addresses.put(plain, expires);
        }
        trim(i);
    }

    @Override
    public synchronized void setAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
        info(peer).addresses.clear();
        addAddresses(peer, addresses, ttl);
    }

    private Instant expiry(Duration ttl) {
        Instant now = clock.instant();
        return ttl.compareTo(PERMANENT) >= 0 ? Instant.MAX : now.plus(ttl);
    }

    private void trim(Info i) {
        while (i.addresses.size() > maxAddressesPerPeer) {
            i.addresses.remove(i.addresses.keySet().iterator().next());
        }
    }

    @Override
    public synchronized List<Multiaddr> addresses(PeerId peer) {
        Info i = peers.get(peer);
        if (i == null) {
            return List.of();
        }
        Instant now = clock.instant();
        i.addresses.values().removeIf(exp -> exp.isBefore(now));
        List<Multiaddr> out = new ArrayList<>(i.addresses.keySet());
        java.util.Collections.reverse(out); // most recently added first
        return out;
    }

    @Override
    public synchronized boolean addPeerRecord(byte[] signedEnvelope, Duration ttl) {
        PeerRecord record = PeerRecord.fromEnvelope(signedEnvelope);
        Info i = info(record.peerId());
        if (i.record != null && Long.compareUnsigned(record.seq(), i.recordSeq) <= 0) {
            return false;
        }
        i.record = signedEnvelope.clone();
        i.recordSeq = record.seq();
        setAddresses(record.peerId(), record.addresses(), ttl);
        return true;
    }

    @Override
    public synchronized Optional<byte[]> peerRecord(PeerId peer) {
        Info i = peers.get(peer);
        return i == null || i.record == null ? Optional.empty() : Optional.of(i.record.clone());
    }

    @Override
    public synchronized void setPublicKey(PeerId peer, PublicKey key) {
        if (!peer.matches(key)) {
            throw new IllegalArgumentException("key does not belong to " + peer);
        }
        info(peer).key = key;
    }

    @Override
    public synchronized Optional<PublicKey> publicKey(PeerId peer) {
        Info i = peers.get(peer);
        if (i != null && i.key != null) {
            return Optional.of(i.key);
        }
        return peer.publicKey();
    }

    @Override
    public synchronized void setProtocols(PeerId peer, Set<String> protocols) {
        info(peer).protocols = Set.copyOf(protocols);
    }

    @Override
    public synchronized Set<String> protocols(PeerId peer) {
        Info i = peers.get(peer);
        return i == null ? Set.of() : i.protocols;
    }

    @Override
    public synchronized void setAgentVersion(PeerId peer, String agentVersion) {
        info(peer).agent = agentVersion;
    }

    @Override
    public synchronized Optional<String> agentVersion(PeerId peer) {
        Info i = peers.get(peer);
        return i == null ? Optional.empty() : Optional.ofNullable(i.agent);
    }

    @Override
    public synchronized Set<PeerId> peers() {
        return Set.copyOf(peers.keySet());
    }

    /** Records that a peer saw us at {@code address}. */
    @Override
    public synchronized void addObservedAddress(Multiaddr address) {
        observed.merge(address, 1, Integer::sum);
        if (observed.size() > MAX_OBSERVED) {
            observed.entrySet().stream()
                    .min(Comparator.comparing((Map.Entry<Multiaddr, Integer> e) -> confirmations(e.getKey()))
                            .thenComparing(Map.Entry::getValue))
                    .map(Map.Entry::getKey)
                    .ifPresent(a -> {
                        observed.remove(a);
                        observers.remove(a);
                    });
        }
    }

    @Override
    public synchronized void addObservedAddress(Multiaddr address, PeerId observer) {
        addObservedAddress(address);
        if (observed.containsKey(address)) {
            Set<PeerId> seen = observers.computeIfAbsent(address, a -> new java.util.HashSet<>());
            if (seen.size() < MAX_OBSERVERS) {
                seen.add(observer);
            }
        }
    }

    @Override
    public synchronized int observedAddressConfirmations(Multiaddr address) {
        return confirmations(address);
    }

    private int confirmations(Multiaddr address) {
        Set<PeerId> seen = observers.get(address);
        return seen != null ? seen.size() : observed.containsKey(address) ? 1 : 0;
    }

    @Override
    public synchronized List<Multiaddr> observedAddresses() {
        return observed.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<Multiaddr, Integer> e) -> -confirmations(e.getKey()))
                        .thenComparing(e -> -e.getValue()))
                .map(Map.Entry::getKey).toList();
    }
}
