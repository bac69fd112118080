package io.meshwork.it.interop;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.core.internal.ping.PingHandler;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxer;
import io.meshwork.libp2p.pubsub.internal.PubSubConfig;
import io.meshwork.libp2p.pubsub.internal.PubSubImpl;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxerConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseSecureChannel;
import io.meshwork.libp2p.transport.tcp.internal.TcpConfig;
import io.meshwork.libp2p.transport.tcp.internal.TcpTransport;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Meshwork host in this JVM, assembled as Declarative Services would assemble it in the runtimes: TCP on
 * loopback (its own event loop), Noise, Yamux, identify, ping, and the {@link TestProtocols} handlers; optionally
 * the pubsub router ({@link #startWithPubSub}).
 */
final class JavaPeer implements AutoCloseable {

    static final String AGENT = "meshwork/0.1.0-interop";

    final String name;
    final HostImpl host;
    private final TcpTransport tcp;
    private final NoiseSecureChannel noise;
    private final YamuxMuxer yamux;
    /** Inbound {@code /ipfs/ping/1.0.0} streams (js's connection monitor opens one per ping). */
    final AtomicInteger inboundPingStreams = new AtomicInteger();
    /** The pubsub router, or null if started without one. */
    PubSubImpl pubsub;

    private JavaPeer(String name, HostImpl host, TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux) {
        this.name = name;
        this.host = host;
        this.tcp = tcp;
        this.noise = noise;
        this.yamux = yamux;
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
        HostIdentity id = identity();
        HostImpl host = BenchAccess.newHost(id, Map.of("listen_addresses", new String[] {"/ip4/127.0.0.1/tcp/0"}));
        BenchAccess.bindIdentify(host, id, AGENT);
        TcpTransport tcp = new TcpTransport(BenchAccess.config(TcpConfig.class, Map.of("event_loop_threads", 1)));
        NoiseSecureChannel noise = new NoiseSecureChannel(BenchAccess.config(NoiseConfig.class, Map.of()));
        YamuxMuxer yamux = new YamuxMuxer(BenchAccess.config(YamuxMuxerConfig.class, Map.of()));
        BenchAccess.bindSecureChannel(host, noise, "/noise");
        BenchAccess.bindMuxer(host, yamux, "/yamux/1.0.0");
        JavaPeer peer = new JavaPeer(name, host, tcp, noise, yamux);
        PingHandler ping = new PingHandler();
        BenchAccess.bindHandler(host, stream -> {
            peer.inboundPingStreams.incrementAndGet();
            ping.handle(stream);
        }, true, Ping.PROTOCOL);
        BenchAccess.bindHandler(host, TestProtocols.echo(), false, TestProtocols.ECHO);
        BenchAccess.bindHandler(host, TestProtocols.sink(), false, TestProtocols.SINK);
        BenchAccess.bindHandler(host, TestProtocols.source(), false, TestProtocols.SOURCE);
        if (pubsubConfig != null) {
            PubSubConfig config = BenchAccess.config(PubSubConfig.class, pubsubConfig);
            PubSubImpl pubsub = new PubSubImpl(host, id, config);
            peer.pubsub = pubsub;
            String[] protocols = config.floodsub_only() ? new String[] {"/floodsub/1.0.0"} : PubSubImpl.PROTOCOLS;
            BenchAccess.bindHandler(host, pubsub, false, protocols);
            BenchAccess.bindConnectionListener(host, pubsub);
        }
        BenchAccess.bindTransport(host, tcp, "tcp"); // last: starts listening with everything in place
        if (host.listenAddresses().isEmpty()) {
            peer.close();
            throw new IllegalStateException(name + ": the host listens nowhere");
        }
        return peer;
    }

    Host host() {
        return host;
    }

    PeerId peerId() {
        return host.peerId();
    }

    /** The first loopback listen address, with {@code /p2p/<id>}. */
    Multiaddr address() {
        List<Multiaddr> addrs = host.listenAddresses();
        return addrs.stream().filter(a -> a.toString().startsWith("/ip4/127.")).findFirst().orElse(addrs.get(0))
                .withPeerId(host.peerId());
    }

    private static HostIdentity identity() {
        PrivateKey key = PrivateKey.generateEd25519(new SecureRandom());
        PeerId id = PeerId.fromPublicKey(key.publicKey());
        return new HostIdentity() {
            @Override
            public PeerId peerId() {
                return id;
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
        BenchAccess.deactivate(host);
        yamux.deactivate();
        noise.deactivate();
        tcp.deactivate();
    }

    @Override
    public String toString() {
        return name + " " + host.peerId();
    }
}
