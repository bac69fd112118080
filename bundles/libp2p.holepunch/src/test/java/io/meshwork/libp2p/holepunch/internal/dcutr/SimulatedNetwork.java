package io.meshwork.libp2p.holepunch.internal.dcutr;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Two peers, A and B, a relay between them with a fixed one-way latency, and a NAT model for the direct dial: a
 * punch succeeds when both sides dial within {@code window} ms of each other with complementary roles (one client,
 * one server) and the NATs allow it at all. Messages go through the real codec. Virtual time.
 */
final class SimulatedNetwork {

    record Dial(String side, long at, List<Multiaddr> addresses, boolean asClient) {
    }

    final VirtualTime time;
    final long latency;
    final long window;
    boolean natsAllowPunching = true;
    /** A's public addresses from identify, which B tries first (connection reversal); and whether they answer. */
    List<Multiaddr> aPublic = List.of();
    boolean aDirectlyReachable;
    final List<CompletableFuture<Boolean>> reversalDials = new ArrayList<>();
    final List<Dial> dials = new ArrayList<>();
    final List<HolePunch.Type> sentByA = new ArrayList<>();
    final List<HolePunch.Type> sentByB = new ArrayList<>();
    int streamsOpened;
    boolean direct;
    private final List<CompletableFuture<Boolean>> pending = new ArrayList<>();

    SimulatedNetwork(VirtualTime time, long latency, long window) {
        this.time = time;
        this.latency = latency;
        this.window = window;
    }

    /** One end of a relayed DCUtR stream. */
    final class End implements MessageChannel {
        final List<HolePunch.Type> log;
        End peer;
        final ArrayDeque<HolePunch> inbox = new ArrayDeque<>();
        final ArrayDeque<CompletableFuture<HolePunch>> waiting = new ArrayDeque<>();
        boolean reset;

        End(List<HolePunch.Type> log) {
            this.log = log;
        }

        @Override
        public CompletionStage<Void> send(HolePunch message) {
            log.add(message.type());
            byte[] wire = message.encode();
            time.schedule(() -> peer.deliver(HolePunch.decode(wire)), latency);
            return CompletableFuture.completedFuture(null);
        }

        void deliver(HolePunch m) {
            CompletableFuture<HolePunch> w = waiting.poll();
            if (w != null) {
                w.complete(m);
            } else {
                inbox.add(m);
            }
        }

        @Override
        public CompletionStage<HolePunch> receive() {
            HolePunch m = inbox.poll();
            if (m != null) {
                return CompletableFuture.completedFuture(m);
            }
            CompletableFuture<HolePunch> f = new CompletableFuture<>();
            waiting.add(f);
            return f;
        }

        @Override
        public void close() {
        }

        @Override
        public void reset() {
            reset = true;
        }
    }

    /** Opens a stream from B: A's side is handed to {@code onStreamAtA} after the latency. */
    CompletionStage<MessageChannel> open(java.util.function.Consumer<MessageChannel> onStreamAtA) {
        streamsOpened++;
        End b = new End(sentByB);
        End a = new End(sentByA);
        a.peer = b;
        b.peer = a;
        CompletableFuture<MessageChannel> f = new CompletableFuture<>();
        time.schedule(() -> {
            onStreamAtA.accept(a);
            f.complete(b);
        }, latency);
        return f;
    }

    Punch punch(String side, List<Multiaddr> own) {
        return new Punch() {
            @Override
            public List<Multiaddr> ownAddresses() {
                return own;
            }

            @Override
            public CompletionStage<Boolean> dial(List<Multiaddr> addresses, boolean asClient) {
                Dial d = new Dial(side, time.now(), addresses, asClient);
                dials.add(d);
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                if (side.equals("B") && !aPublic.isEmpty() && addresses.equals(aPublic)) {
                    reversalDials.add(f);
                    if (aDirectlyReachable) { // an ordinary dial: SYN and SYN-ACK, then the upgrade
                        time.schedule(() -> {
                            direct = true;
                            f.complete(true);
                        }, 3 * latency);
                    }
                    return f;
                }
                pending.add(f);
                // the other side's dial of the same round, if it came within the window
                for (Dial other : dials) {
                    if (!other.side.equals(side) && Math.abs(other.at - d.at) <= window && natsAllowPunching
                            && other.asClient != asClient) {
                        time.schedule(() -> {
                            direct = true;
                            pending.forEach(p -> p.complete(true));
                            pending.clear();
                        }, latency);
                    }
                }
                return f;
            }

            @Override
            public boolean directConnected() {
                return direct;
            }

            @Override
            public List<Multiaddr> reversalAddresses() {
                return side.equals("B") ? aPublic : List.of();
            }
        };
    }
}
