package io.meshwork.it.interop;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.core.internal.ping.PingHandler;
import io.meshwork.libp2p.pubsub.internal.PubSubConfig;
import io.meshwork.libp2p.pubsub.internal.PubSubImpl;
import io.meshwork.testing.TestNode;
import io.meshwork.testing.TestProtocols;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Meshwork host in this JVM for the interop tests: a {@link TestNode} (TCP on loopback, Noise, Yamux,
 * identify, ping) with the {@link TestProtocols} handlers, a count of inbound pings, and optionally the pubsub
 * router ({@link #startWithPubSub}).
 */
final class JavaPeer implements AutoCloseable {

    static final String AGENT = "meshwork/0.1.0-interop";

    final String name;
    final HostImpl host;
    private final TestNode node;
    /** Inbound {@code /ipfs/ping/1.0.0} streams (js's connection monitor opens one per ping). */
    final AtomicInteger inboundPingStreams;
    /** The pubsub router, or null if started without one. */
    PubSubImpl pubsub;

    private JavaPeer(String name, TestNode node, AtomicInteger inboundPingStreams) {
        this.name = name;
        this.node = node;
        this.host = node.host;
        this.inboundPingStreams = inboundPingStreams;
    }

    static JavaPeer start(String name) {
        return start(name, null);
    }

    /**
     * A peer with the pubsub router ({@link PubSubImpl}) too, configured by {@code pubsubConfig} (PubSubConfig
     * method names to values of their exact types, e.g. {@code "d", 6}, {@code "floodsub_only", true}). A
     * floodsub-only router is bound to {@code /floodsub/1.0.0} alone, so inbound peers cannot pick meshsub either.
     */
    static JavaPeer startWithPubSub(String name, Map<String, Object> pubsubConfig) {
        return start(name, pubsubConfig);
    }

    /** {@code pubsubConfig} null: no pubsub router. */
    private static JavaPeer start(String name, Map<String, Object> pubsubConfig) {
        AtomicInteger pings = new AtomicInteger();
        PingHandler ping = new PingHandler();
        TestNode node = TestNode.create(name, AGENT, stream -> {
            pings.incrementAndGet();
            ping.handle(stream);
        });
        node.addHandler(TestProtocols.echo(), false, TestProtocols.ECHO)
                .addHandler(TestProtocols.sink(), false, TestProtocols.SINK)
                .addHandler(TestProtocols.source(), false, TestProtocols.SOURCE);
        JavaPeer peer = new JavaPeer(name, node, pings);
        if (pubsubConfig != null) {
            PubSubConfig config = BenchAccess.config(PubSubConfig.class, pubsubConfig);
            PubSubImpl pubsub = new PubSubImpl(node.host, node.identity, config);
            peer.pubsub = pubsub;
            String[] protocols = config.floodsub_only() ? new String[] {"/floodsub/1.0.0"} : PubSubImpl.PROTOCOLS;
            node.addHandler(pubsub, false, protocols).addConnectionListener(pubsub);
        }
        node.listen(); // last: starts listening with everything in place
        return peer;
    }

    Host host() {
        return host;
    }

    PeerId peerId() {
        return node.peerId();
    }

    /** The first loopback listen address, with {@code /p2p/<id>}. */
    Multiaddr address() {
        return node.address();
    }

    /** The pubsub router; fails if this peer was started without one. */
    PubSubImpl pubsub() {
        PubSubImpl p = pubsub;
        if (p == null) {
            throw new IllegalStateException(name + " has no pubsub router (use startWithPubSub)");
        }
        return p;
    }

    @Override
    public void close() {
        PubSubImpl p = pubsub;
        if (p != null) {
            p.close();
        }
        node.close();
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
