package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.Transport;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxer;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxerConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseSecureChannel;
import io.meshwork.libp2p.transport.tcp.internal.TcpConfig;
import io.meshwork.libp2p.transport.tcp.internal.TcpTransport;
import io.meshwork.testing.TestNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Constants;

/**
 * Test access to the libp2p core (package-private {@link HostImpl} members): real hosts in one JVM, assembled as
 * DS would, with TCP on loopback, Noise and Yamux (adapted from the core's own {@code TestHosts}). Each host has
 * its own transport with its own event loop, so connections between them cross real sockets.
 */
public final class PerfTestHosts implements AutoCloseable {

    /** One running host. */
    public static final class Node {
        private final HostImpl host;
        private final TcpTransport tcp;
        private final NoiseSecureChannel noise;
        private final YamuxMuxer yamux;

        Node(HostImpl host, TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux) {
            this.host = host;
            this.tcp = tcp;
            this.noise = noise;
            this.yamux = yamux;
        }

        public Host host() {
            return host;
        }

        /** The first listen address with {@code /p2p/<peer-id>}. */
        public Multiaddr address() {
            return host.listenAddresses().get(0).withPeerId(host.peerId());
        }

        /** Registers a stream handler as the DS whiteboard would. */
        public void handle(String protocol, StreamHandler handler) {
            host.bindHandler(handler, Map.of(StreamHandler.PROTOCOL, protocol));
        }

        void stop() {
            host.deactivate();
            yamux.deactivate();
            noise.deactivate();
            tcp.deactivate();
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private long serviceIds;

    /** Starts a host listening on {@code /ip4/127.0.0.1/tcp/0} with one event-loop thread. */
    public Node start() {
        HostImpl host = new HostImpl(TestNode.newIdentity(),
                BenchAccess.config(HostConfig.class, Map.of("listen_addresses", new String[] {"/ip4/127.0.0.1/tcp/0"})),
                new MultistreamNegotiation(), Clock.systemUTC());
        TcpTransport tcp = new TcpTransport(BenchAccess.config(TcpConfig.class, Map.of("event_loop_threads", 1)));
        NoiseSecureChannel noise = new NoiseSecureChannel(BenchAccess.config(NoiseConfig.class, Map.of()));
        YamuxMuxer yamux = new YamuxMuxer(BenchAccess.config(YamuxMuxerConfig.class, Map.of()));
        host.bindSecureChannel(noise, props("/noise"));
        host.bindMuxer(yamux, props("/yamux/1.0.0"));
        host.bindTransport(tcp, props("tcp"));
        Node n = new Node(host, tcp, noise, yamux);
        nodes.add(n);
        return n;
    }

    private Map<String, Object> props(String protocol) {
        return Map.of(Transport.PROTOCOL, protocol, Constants.SERVICE_ID, ++serviceIds);
    }

    @Override
    public void close() {
        nodes.forEach(Node::stop);
        nodes.clear();
    }
}
