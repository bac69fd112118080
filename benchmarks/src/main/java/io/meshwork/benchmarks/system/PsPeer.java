package io.meshwork.benchmarks.system;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSub;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.pubsub.internal.PubSubConfig;
import io.meshwork.libp2p.pubsub.internal.PubSubImpl;
import io.meshwork.testing.TestNode;
import java.util.Map;

/**
 * A Meshwork host in this JVM with the pubsub router, for {@link PubSubBench}: a {@link TestNode} (TCP on
 * 127.0.0.1 with one event loop thread, Noise, Yamux, identify, ping) with {@link PubSubImpl} bound to its
 * protocols and as a connection listener, as Declarative Services would.
 */
final class PsPeer implements AutoCloseable {

    final String name;
    final HostImpl host;
    final PubSub pubsub;
    private final TestNode node;
    private final PubSubImpl impl;

    private PsPeer(String name, TestNode node, PubSubImpl impl) {
        this.name = name;
        this.node = node;
        this.host = node.host;
        this.impl = impl;
        this.pubsub = impl;
    }

    /** {@code pubsubConfig}: PubSubConfig method names to values of their exact types. */
    static PsPeer start(String name, Map<String, Object> pubsubConfig) {
        TestNode node = TestNode.create(name);
        PubSubImpl impl = new PubSubImpl(node.host, node.identity,
                BenchAccess.config(PubSubConfig.class, pubsubConfig));
        node.addHandler(impl, false, PubSubImpl.PROTOCOLS).addConnectionListener(impl).listen();
        return new PsPeer(name, node, impl);
    }

    /** The {@code pubsub:stats} counters. */
    Map<String, Object> stats() {
        return impl.stats();
    }

    PeerId peerId() {
        return node.peerId();
    }

    /** The first loopback listen address, with {@code /p2p/<id>}. */
    Multiaddr address() {
        return node.address();
    }

    @Override
    public void close() {
        impl.close();
        node.close();
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
