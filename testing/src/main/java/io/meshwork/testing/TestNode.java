package io.meshwork.testing;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.spi.Transport;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.host.HostImpl;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.core.internal.ping.PingHandler;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxer;
import io.meshwork.libp2p.muxer.yamux.internal.YamuxMuxerConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseConfig;
import io.meshwork.libp2p.security.noise.internal.NoiseSecureChannel;
import io.meshwork.libp2p.transport.tcp.internal.TcpConfig;
import io.meshwork.libp2p.transport.tcp.internal.TcpTransport;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * A real libp2p host in this JVM, assembled as Declarative Services would: TCP on loopback (one event-loop
 * thread), Noise, Yamux, identify and ping. Protocol bundles add their handlers and listeners with
 * {@link #addHandler} and {@link #addConnectionListener} before calling {@link #listen()}.
 */
public final class TestNode implements AutoCloseable {

    public final String name;
    public final HostIdentity identity;
    public final HostImpl host;
    private final TcpTransport tcp;
    private final NoiseSecureChannel noise;
    private final YamuxMuxer yamux;
    private final Runnable identify;
    private boolean listening;

    private TestNode(String name, HostIdentity identity, Map<String, Object> hostConfig, String agentVersion,
            StreamHandler ping) {
        this.name = name;
        this.identity = identity;
        this.host = BenchAccess.newHost(identity, hostConfig);
        this.identify = BenchAccess.bindIdentify(host, identity, agentVersion);
        this.tcp = new TcpTransport(BenchAccess.config(TcpConfig.class, Map.of("event_loop_threads", 1)));
        this.noise = new NoiseSecureChannel(BenchAccess.config(NoiseConfig.class, Map.of()));
        this.yamux = new YamuxMuxer(BenchAccess.config(YamuxMuxerConfig.class, Map.of()));
        BenchAccess.bindSecureChannel(host, noise, "/noise");
        BenchAccess.bindMuxer(host, yamux, "/yamux/1.0.0");
        BenchAccess.bindHandler(host, ping, true, Ping.PROTOCOL);
    }

    /** A node for an ephemeral loopback port, not yet listening (call {@link #listen()}). */
    public static TestNode create(String name) {
        return create(name, "meshwork/test", new PingHandler());
    }

    /**
     * As {@link #create(String)}, with the identify agent version and the {@code /ipfs/ping/1.0.0} handler given
     * (e.g. one that counts the pings js's connection monitor sends).
     */
    public static TestNode create(String name, String agentVersion, StreamHandler ping) {
        return new TestNode(name, newIdentity(), Map.of("listen_addresses", new String[] {"/ip4/127.0.0.1/tcp/0"}),
                agentVersion, ping);
    }

    /**
     * A node with the given identity listening on {@code listenAddresses} (e.g. a fixed port to restart a node in
     * place, or {@code /p2p-circuit} next to a loopback address for a relay client), not yet listening.
     */
    public static TestNode create(String name, HostIdentity identity, String... listenAddresses) {
        return new TestNode(name, identity, Map.of("listen_addresses", listenAddresses.clone()), "meshwork/test",
                new PingHandler());
    }

    /** A node with the given identity and host configuration (PID {@code io.meshwork.libp2p.core} keys). */
    public static TestNode create(String name, HostIdentity identity, Map<String, Object> hostConfig) {
        return new TestNode(name, identity, hostConfig, "meshwork/test", new PingHandler());
    }

    /** Binds another transport (e.g. the circuit relay client); it starts listening at once. */
    public TestNode addTransport(Transport transport, String name) {
        BenchAccess.bindTransport(host, transport, name);
        return this;
    }

    public TestNode addHandler(StreamHandler handler, boolean allowLimited, String... protocols) {
        BenchAccess.bindHandler(host, handler, allowLimited, protocols);
        return this;
    }

    public TestNode addConnectionListener(ConnectionListener listener) {
        BenchAccess.bindConnectionListener(host, listener);
        return this;
    }

    /** Binds the transport: the host starts listening with everything bound so far in place. */
    public TestNode listen() {
        if (!listening) {
            BenchAccess.bindTransport(host, tcp, "tcp");
            listening = true;
            if (host.listenAddresses().isEmpty()) {
                close();
                throw new IllegalStateException(name + ": the host listens nowhere");
            }
        }
        return this;
    }

    public PeerId peerId() {
        return host.peerId();
    }

    /** The first loopback listen address, with {@code /p2p/<id>}. */
    public Multiaddr address() {
        List<Multiaddr> addrs = host.listenAddresses();
        return addrs.stream().filter(a -> a.toString().startsWith("/ip4/127.")).findFirst().orElse(addrs.get(0))
                .withPeerId(host.peerId());
    }

    public static HostIdentity newIdentity() {
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
        BenchAccess.deactivate(host);
        identify.run();
        yamux.deactivate();
        noise.deactivate();
        tcp.deactivate();
    }

    @Override
    public String toString() {
        return name + " " + host.peerId();
    }
}
