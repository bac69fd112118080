package io.meshwork.libp2p.core.internal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.DialException;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.RoutingException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The host asks PeerRouting for addresses when it has none for the peer it is asked to dial. */
@Timeout(60)
class PeerRoutingDialTest {

    private final TestHosts hosts = new TestHosts();

    @AfterEach
    void stop() {
        hosts.close();
    }

    @Test
    void dialsAPeerWithoutKnownAddressesThroughPeerRouting() throws Exception {
        TestHosts.Node a = hosts.start();
        TestHosts.Node b = hosts.start();
        AtomicInteger asked = new AtomicInteger();
        PeerRouting routing = peer -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(peer.equals(b.host.peerId()) ? b.host.listenAddresses()
                    : List.of());
        };
        // without routing: the old error
        ExecutionException none = assertThrows(ExecutionException.class,
                () -> a.host.connect(b.host.peerId()).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(none.getCause().getMessage().contains("no known address"), none.getCause().getMessage());

        a.host.bindPeerRouting(routing);
        Connection c = a.host.connect(b.host.peerId()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(b.host.peerId(), c.remotePeer());
        assertEquals(1, asked.get());
        assertEquals(b.host.listenAddresses().get(0), a.host.peerStore().addresses(b.host.peerId()).get(0));
        a.host.unbindPeerRouting(routing);
    }

    @Test
    void aFailedLookupFailsTheDialWithBothReasons() {
        TestHosts.Node a = hosts.start();
        PeerId stranger = hosts.start().host.peerId();
        PeerRouting failing = peer -> CompletableFuture.failedFuture(new RoutingException("peer not found: asked 7"));
        a.host.bindPeerRouting(failing);
        CompletionStage<Connection> dial = a.host.connect(stranger);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> dial.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(DialException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("peer not found: asked 7"), e.getCause().getMessage());
    }
}
