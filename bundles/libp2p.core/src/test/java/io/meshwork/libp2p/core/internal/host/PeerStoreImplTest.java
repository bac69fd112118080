package io.meshwork.libp2p.core.internal.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.PeerRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerStoreImplTest {

    private static final PrivateKey KEY = PrivateKey.generateEd25519(new SecureRandom());
    private static final PeerId PEER = PeerId.fromPublicKey(KEY.publicKey());
    private final PeerStoreImpl store = new PeerStoreImpl(Clock.systemUTC(), 100, 16);

    private static byte[] record(long seq, String... addrs) {
        return new PeerRecord(PEER, seq, List.of(addrs).stream().map(Multiaddr::parse).toList()).seal(KEY).marshal();
    }

    @Test
    void observedAddressesCountDistinctObserversAndSortByThem() {
        Multiaddr once = Multiaddr.parse("/ip4/10.200.0.11/tcp/4001");
        Multiaddr twice = Multiaddr.parse("/ip4/10.200.0.11/tcp/5555");
        PeerId other = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
        for (int i = 0; i < 5; i++) {
            store.addObservedAddress(once, PEER); // one peer repeating itself counts once
        }
        store.addObservedAddress(twice, PEER);
        store.addObservedAddress(twice, other);
        assertEquals(1, store.observedAddressConfirmations(once));
        assertEquals(2, store.observedAddressConfirmations(twice));
        assertEquals(0, store.observedAddressConfirmations(Multiaddr.parse("/ip4/1.1.1.1/tcp/1")));
        assertEquals(List.of(twice, once), store.observedAddresses());
    }

    @Test
    void newerPeerRecordReplacesAddressesAndIsKept() {
        store.addAddresses(PEER, List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1")), Duration.ofHours(1));
        byte[] first = record(5, "/ip4/127.0.0.1/tcp/4001");
        assertTrue(store.addPeerRecord(first, Duration.ofHours(1)));
        assertEquals(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")), store.addresses(PEER));
        assertArrayEquals(first, store.peerRecord(PEER).orElseThrow());

        assertFalse(store.addPeerRecord(record(5, "/ip4/127.0.0.2/tcp/1"), Duration.ofHours(1)), "same seq");
        assertFalse(store.addPeerRecord(record(4, "/ip4/127.0.0.2/tcp/1"), Duration.ofHours(1)), "older seq");
        assertArrayEquals(first, store.peerRecord(PEER).orElseThrow());

        byte[] newer = record(6, "/ip4/127.0.0.3/tcp/2");
        assertTrue(store.addPeerRecord(newer, Duration.ofHours(1)));
        assertEquals(List.of(Multiaddr.parse("/ip4/127.0.0.3/tcp/2")), store.addresses(PEER));
        assertArrayEquals(newer, store.peerRecord(PEER).orElseThrow());
    }

    @Test
    void garbageIsNotAPeerRecord() {
        assertThrows(IllegalArgumentException.class, () -> store.addPeerRecord(new byte[] {1, 2, 3}, Duration.ZERO));
        assertTrue(store.peerRecord(PEER).isEmpty());
    }
}
