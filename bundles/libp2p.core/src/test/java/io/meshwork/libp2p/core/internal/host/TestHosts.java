package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.spi.Transport;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.core.internal.ping.PingHandler;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxer;
import io.meshwork.libp2p.security.noise.internal.NoiseSecureChannel;
import io.meshwork.libp2p.transport.tcp.internal.TcpConfig;
import io.meshwork.libp2p.transport.tcp.internal.TcpTransport;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Constants;

/**
 * Real hosts in one JVM, assembled as DS would: TCP on loopback, Noise, Yamux, ping. Each host has its own
 * transport (own event loops), so the connections between them cross real sockets.
 */
final class TestHosts implements AutoCloseable {

    static final class Node {
        final HostImpl host;
        final TcpTransport tcp;
        final NoiseSecureChannel noise;
        final YamuxMuxer yamux;
        io.meshwork.libp2p.core.internal.identify.IdentifyService identify;

        Node(HostImpl host, TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux) {
            this.host = host;
            this.tcp = tcp;
            this.noise = noise;
            this.yamux = yamux;
        }

        Multiaddr address() {
            return host.listenAddresses().get(0).withPeerId(host.peerId());
        }

        void handle(String protocol, StreamHandler handler) {
            host.bindHandler(handler, Map.of(StreamHandler.PROTOCOL, protocol));
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private long serviceIds;

    Node start() {
        return start(Map.of());
    }

    Node start(Map<String, Object> hostConfig) {
        Map<String, Object> cfg = new HashMap<>(Map.of("listen_addresses", new String[] {"/ip4/127.0.0.1/tcp/0"}));
        cfg.putAll(hostConfig);
        HostIdentity id = identity();
        HostImpl host = new HostImpl(id, Configs.of(HostConfig.class, cfg), new MultistreamNegotiation(),
                Clock.systemUTC());
        io.meshwork.libp2p.core.internal.identify.IdentifyService identify =
                io.meshwork.libp2p.core.internal.identify.IdentifyAccess.create(host, id, "meshwork/test");
        host.bindHandler(identify, Map.of(StreamHandler.PROTOCOL,
                io.meshwork.libp2p.core.internal.identify.IdentifyAccess.protocols()));
        host.bindConnectionListener(identify);
        TcpTransport tcp = new TcpTransport(Configs.of(TcpConfig.class, Map.of("event_loop_threads", 1)));
        NoiseSecureChannel noise = new NoiseSecureChannel(Configs.of(
                io.meshwork.libp2p.security.noise.internal.NoiseConfig.class, Map.of()));
        YamuxMuxer yamux = new YamuxMuxer(Configs.of(
                io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxerConfig.class, Map.of()));
        host.bindSecureChannel(noise, props("/noise"));
        host.bindMuxer(yamux, props("/yamux/1.0.0"));
        host.bindHandler(new PingHandler(), Map.of(StreamHandler.PROTOCOL, Ping.PROTOCOL,
                StreamHandler.ALLOW_LIMITED, "true"));
        host.bindTransport(tcp, props("tcp"));
        Node n = new Node(host, tcp, noise, yamux);
        n.identify = identify;
        nodes.add(n);
        return n;
    }

    private Map<String, Object> props(String protocol) {
        return Map.of(Transport.PROTOCOL, protocol, Constants.SERVICE_ID, ++serviceIds);
    }

    static HostIdentity identity() {
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

    @Override
    public void close() {
        for (Node n : nodes) {
            io.meshwork.libp2p.core.internal.identify.IdentifyAccess.stop(n.identify);
            n.host.deactivate();
            n.yamux.deactivate();
            n.noise.deactivate();
            n.tcp.deactivate();
        }
        nodes.clear();
    }
}
