package io.meshwork.benchmarks.system;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.core.internal.ping.PingHandler;
import io.meshwork.testing.TestNode;
import io.meshwork.testing.TestProtocols;

/**
 * A real Meshwork host in this JVM for {@link SystemBench}: a {@link TestNode} (TCP on 127.0.0.1 with one event
 * loop thread, Noise, Yamux, identify, ping) with the {@link BenchProtocols} handlers.
 */
final class BenchPeer implements AutoCloseable {

    static final String AGENT = "meshwork/0.1.0-systembench";

    final String name;
    final HostImpl host;
    private final TestNode node;

    private BenchPeer(String name, TestNode node) {
        this.name = name;
        this.node = node;
        this.host = node.host;
    }

    static BenchPeer start(String name) {
        TestNode node = TestNode.create(name, AGENT, new PingHandler())
                .addHandler(TestProtocols.echo(), false, TestProtocols.ECHO)
                .addHandler(TestProtocols.sink(), false, TestProtocols.SINK)
                .addHandler(TestProtocols.source(), false, TestProtocols.SOURCE)
                .addHandler(BenchProtocols.discard(), false, BenchProtocols.DISCARD)
                .addHandler(BenchProtocols.blast(), false, BenchProtocols.BLAST)
                .listen();
        return new BenchPeer(name, node);
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
        node.close();
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
