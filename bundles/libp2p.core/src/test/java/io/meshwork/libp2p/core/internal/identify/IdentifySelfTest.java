package io.meshwork.libp2p.core.internal.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.PeerRecord;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What we say about ourselves: a signed peer record only when we have addresses to put in it. */
class IdentifySelfTest {

    private final PrivateKey key = PrivateKey.generateEd25519(new SecureRandom());
    private final HostIdentity identity = new HostIdentity() {
        @Override
        public PeerId peerId() {
            return PeerId.fromPublicKey(key.publicKey());
        }

        @Override
        public PublicKey publicKey() {
            return key.publicKey();
        }

        @Override
        public byte[] sign(byte[] data) {
            return key.sign(data);
        }
    };

    @Test
    void signedPeerRecordOnlyWithListenAddresses() {
        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        IdentifyService withAddrs = IdentifyAccess.create(host(List.of(addr)), identity, "test");
        IdentifyMessage listening = withAddrs.describeSelf(connection());
        IdentifyAccess.stop(withAddrs);
        assertNotNull(listening.signedPeerRecord());
        assertEquals(List.of(addr), PeerRecord.fromEnvelope(listening.signedPeerRecord()).addresses());

        // dial-only: an empty record would make js-libp2p forget the (relayed) address it dialed us on
        IdentifyService withoutAddrs = IdentifyAccess.create(host(List.of()), identity, "test");
        IdentifyMessage dialOnly = withoutAddrs.describeSelf(connection());
        IdentifyAccess.stop(withoutAddrs);
        assertNull(dialOnly.signedPeerRecord());
        assertEquals(List.of(), dialOnly.listenAddrs());
    }

    private Host host(List<Multiaddr> addrs) {
        return (Host) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Host.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "listenAddresses" -> addrs;
                    case "protocols" -> Set.of("/ipfs/id/1.0.0");
                    case "peerId" -> identity.peerId();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Connection connection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "remoteAddress" -> Multiaddr.parse("/ip4/127.0.0.1/tcp/5555");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
