package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.RoutingException;
import io.meshwork.libp2p.kad.internal.proto.KadCodec;
import io.meshwork.libp2p.kad.internal.proto.KadMessage;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Many DHT engines in one virtual-time network. Every message goes through the codec; a node must know an address
 * of the peer it sends to (as a real host must); offline nodes never answer (the sender times out); client-mode
 * nodes refuse the protocol. A server-mode node that talks to another is added to its table, as identify would.
 */
final class SimNetwork {

    final VirtualScheduler scheduler = new VirtualScheduler();
    final Map<PeerId, Node> nodes = new LinkedHashMap<>();
    final List<Node> list = new ArrayList<>();
    final Random random = new Random(42);
    long latencyMs = 10;
    long messages;

    final class Node implements Network {
        final PrivateKey key;
        final PeerId id;
        Multiaddr address;
        final KadEngine engine;
        final Map<PeerId, List<Multiaddr>> book = new HashMap<>();
        final Set<PeerId> connected = new HashSet<>();
        boolean server = true;
        boolean online = true;

        Node(PrivateKey key, int index, KadEngine.Config config, Validators validators) {
            this.key = key;
            this.id = PeerId.fromPublicKey(key.publicKey());
            this.address = Multiaddr.parse("/ip4/10.0." + (index / 250) + "." + (index % 250 + 1) + "/tcp/4001");
            this.engine = new KadEngine(id, config, this, scheduler, validators, new Random(index));
        }

        @Override
        public CompletionStage<@Nullable KadMessage> send(PeerId peer, KadMessage request, boolean expectResponse) {
            Node to = nodes.get(peer);
            if (!connected.contains(peer) && !book.containsKey(peer)) {
                return CompletableFuture.failedFuture(new RoutingException("no address for " + peer));
            }
            CompletableFuture<@Nullable KadMessage> out = new CompletableFuture<>();
            if (to == null || !to.online) {
                return out; // never answers: the engine's timeout fires
            }
            if (!to.server) {
                return CompletableFuture.failedFuture(new RoutingException(peer + " does not support kad"));
            }
            byte[] wire = KadCodec.encode(request);
            messages++;
            scheduler.schedule(() -> {
                connected.add(peer);
                to.connected.add(id);
                if (server) {
                    to.engine.addServerPeer(id);
                }
                to.engine.handle(id, KadCodec.decode(wire)).whenComplete((r, e) -> {
                    if (!expectResponse) {
                        out.complete(null);
                    } else if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        byte[] back = KadCodec.encode(r);
                        scheduler.schedule(() -> out.complete(online ? KadCodec.decode(back) : null), latencyMs);
                    }
                });
            }, latencyMs);
            return out;
        }

        @Override
        public List<Multiaddr> addresses(PeerId peer) {
            if (peer.equals(id)) {
                return List.of(address);
            }
            List<Multiaddr> known = book.get(peer);
            if (known != null) {
                return known;
            }
            Node n = nodes.get(peer);
            return connected.contains(peer) && n != null ? List.of(n.address) : List.of();
        }

        @Override
        public void addAddresses(PeerId peer, List<Multiaddr> addresses) {
            book.put(peer, List.copyOf(addresses));
        }

        @Override
        public boolean isConnected(PeerId peer) {
            Node n = nodes.get(peer);
            return connected.contains(peer) && n != null && n.online;
        }

        void bootstrapFrom(Node other) {
            book.put(other.id, List.of(other.address));
            engine.addServerPeer(other.id);
        }
    }

    SimNetwork(int count, KadEngine.Config config, Validators validators) {
        for (int i = 0; i < count; i++) {
            Node n = new Node(key(i), i, config, validators);
            nodes.put(n.id, n);
            list.add(n);
        }
    }

    /** A deterministic Ed25519 key per index. */
    static PrivateKey key(int index) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(index + 1000L);
            return PrivateKey.generateEd25519(r);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<PeerId> ids(List<Node> nodes) {
        Set<PeerId> s = new HashSet<>();
        nodes.forEach(n -> s.add(n.id));
        return s;
    }
}
