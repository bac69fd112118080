package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.ValidationResult;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageIdFunction;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcCodec;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcLimits;
import io.meshwork.libp2p.pubsub.internal.score.PeerScore;
import io.meshwork.libp2p.pubsub.internal.score.PeerScoreParams;
import io.meshwork.libp2p.pubsub.internal.score.PeerScoreThresholds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Routers wired by an in-memory network in virtual time: every RPC goes through the real codec, nothing sleeps,
 * the test advances the clock and runs heartbeats. Single-threaded; deterministic for a given seed.
 */
final class SimNetwork {

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    record Envelope(PeerId from, PeerId to, Rpc rpc) {
    }

    final MutableClock clock = new MutableClock();
    final Random random;
    final Map<PeerId, Node> nodes = new LinkedHashMap<>();
    final ArrayDeque<Envelope> queue = new ArrayDeque<>();
    /** Every RPC sent, for tests that look at the traffic. */
    final List<Envelope> log = new ArrayList<>();
    boolean logTraffic;

    SimNetwork(long seed) {
        this.random = new Random(seed);
    }

    final class Node implements RouterIo {
        final HostIdentity identity;
        final PeerId id;
        final GossipRouter router;
        final @Nullable PeerScore score;
        final List<PubSubMessage> delivered = new ArrayList<>();
        final Set<PeerId> links = new HashSet<>();
        @Nullable Function<PubSubMessage, CompletionStage<ValidationResult>> validator;
        final List<PeerId> connectRequests = new ArrayList<>();

        Node(RouterConfig config, boolean scoring, PubSubProtocol protocol) {
            this.identity = identity(random);
            this.id = identity.peerId();
            this.score = scoring ? new PeerScore(PeerScoreParams.chatDefaults(), clock) : null;
            this.router = new GossipRouter(config, identity, clock, this, Runnable::run, new Random(random.nextLong()),
                    score, PeerScoreThresholds.chatDefaults(), MessageIdFunction.FROM_SEQNO, Set.of(), null);
            this.protocol = protocol;
        }

        final PubSubProtocol protocol;

        @Override
        public void send(PeerId peer, Rpc rpc) {
            // through the real codec, as on the wire
            Rpc decoded = RpcCodec.decode(RpcCodec.encode(rpc), RpcLimits.DEFAULTS);
            Envelope e = new Envelope(id, peer, decoded);
            queue.add(e);
            if (logTraffic) {
                log.add(e);
            }
        }

        @Override
        public void deliver(PubSubMessage message) {
            delivered.add(message);
        }

        @Override
        public @Nullable CompletionStage<ValidationResult> validate(PubSubMessage message) {
            return validator == null ? null : validator.apply(message);
        }

        @Override
        public void connect(PeerId peer, byte @Nullable [] signedPeerRecord) {
            connectRequests.add(peer);
        }

        @Override
        public byte @Nullable [] signedPeerRecord(PeerId peer) {
            return null;
        }
    }

    static HostIdentity identity(Random random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        SecureRandom sr;
        try {
            sr = SecureRandom.getInstance("SHA1PRNG");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sr.setSeed(seed);
        PrivateKey key = PrivateKey.generateEd25519(sr);
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

    Node add(RouterConfig config, boolean scoring) {
        return add(config, scoring, PubSubProtocol.MESHSUB_12);
    }

    Node add(RouterConfig config, boolean scoring, PubSubProtocol protocol) {
        Node n = new Node(config, scoring, protocol);
        nodes.put(n.id, n);
        return n;
    }

    /** Connects two nodes ({@code a} dialled {@code b}); each speaks the lower of the two protocols. */
    void connect(Node a, Node b) {
        if (a == b || a.links.contains(b.id)) {
            return;
        }
        PubSubProtocol p = a.protocol.ordinal() > b.protocol.ordinal() ? a.protocol : b.protocol;
        a.links.add(b.id);
        b.links.add(a.id);
        a.router.addPeer(b.id, p, true, "10.0.0." + (nodes.size() % 250));
        b.router.addPeer(a.id, p, false, "10.0.1." + (nodes.size() % 250));
        drain();
    }

    void disconnect(Node a, Node b) {
        a.links.remove(b.id);
        b.links.remove(a.id);
        a.router.removePeer(b.id);
        b.router.removePeer(a.id);
    }

    /** Removes a node as if it crashed: its peers see the connection drop. */
    void kill(Node n) {
        for (PeerId peer : new ArrayList<>(n.links)) {
            disconnect(n, nodes.get(peer));
        }
        nodes.remove(n.id);
    }

    /** Delivers queued RPCs (and what they cause) until the network is quiet. */
    void drain() {
        Envelope e;
        int guard = 0;
        while ((e = queue.poll()) != null) {
            if (++guard > 10_000_000) {
                throw new IllegalStateException("the network does not become quiet");
            }
            Node to = nodes.get(e.to());
            if (to != null && to.links.contains(e.from())) {
                to.router.handleRpc(e.from(), e.rpc());
            }
        }
    }

    /** Advances one heartbeat interval and runs every node's heartbeat. */
    void heartbeat(Duration interval) {
        clock.advance(interval);
        for (Node n : new ArrayList<>(nodes.values())) {
            n.router.heartbeat();
        }
        drain();
    }

    void heartbeats(int count, Duration interval) {
        for (int i = 0; i < count; i++) {
            heartbeat(interval);
        }
    }

    /** Connects every node to {@code degree} random others (at least), then makes sure the graph is connected. */
    void randomTopology(int degree) {
        List<Node> list = new ArrayList<>(nodes.values());
        for (int i = 1; i < list.size(); i++) {
            connect(list.get(i), list.get(random.nextInt(i))); // a random tree: connected
        }
        for (Node n : list) {
            while (n.links.size() < degree) {
                connect(n, list.get(random.nextInt(list.size())));
            }
        }
    }
}
