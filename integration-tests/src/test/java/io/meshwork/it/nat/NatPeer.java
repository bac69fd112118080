package io.meshwork.it.nat;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.core.internal.ping.Ping;
import io.meshwork.libp2p.holepunch.internal.HolePunchConfig;
import io.meshwork.libp2p.holepunch.internal.HolePunchService;
import io.meshwork.libp2p.holepunch.internal.HolePunching;
import io.meshwork.libp2p.holepunch.internal.proto.AutoNatMessage;
import io.meshwork.libp2p.holepunch.internal.proto.HolePunch;
import io.meshwork.libp2p.relay.internal.client.ClientConfig;
import io.meshwork.libp2p.relay.internal.client.RelayClient;
import io.meshwork.libp2p.relay.internal.hop.HopConfig;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import io.meshwork.testing.TestNode;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of the NAT system test, run inside a network namespace: the relay (hop server + AutoNAT server), Bob
 * (a reservation on the relay; the inbound side of the relayed connection, so he drives DCUtR) or Alice (dials Bob's
 * circuit address, waits for the hole punch, then pings and sends a payload to Bob and reports what carried them).
 * Talks to the test by lines on stdout starting with {@code NATPEER}. Exits when stdin closes.
 *
 * <pre>
 *   relay &lt;ip&gt; &lt;port&gt;
 *   bob   &lt;relay-addr&gt; &lt;port&gt; &lt;dial-timeout-ms&gt;
 *   alice &lt;relay-addr&gt; &lt;bob-circuit-addr&gt; &lt;port&gt; &lt;dial-timeout-ms&gt; &lt;payload-bytes&gt;
 *   probe &lt;autonat-server-addr&gt; &lt;port&gt;      AutoNAT client only: connects to the server, reports REACHABILITY
 *   autonat-server &lt;ip&gt; &lt;port&gt;             AutoNAT server only (no relay)
 * </pre>
 */
public final class NatPeer {

    static final String SINK = "/meshwork/test/sink/1.0.0";
    static final int ATTEMPTS = 3;

    private NatPeer() {
    }

    static void say(String line) {
        synchronized (System.out) {
            System.out.println("NATPEER " + line);
            System.out.flush();
        }
    }

    static HolePunchConfig config(long dialTimeout, boolean autonatServer) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("dial_timeout_ms", dialTimeout);
        cfg.put("start_delay_ms", 100L);
        cfg.put("autonat_server_enabled", autonatServer);
        cfg.put("autonat_client_enabled", !autonatServer);
        cfg.put("autonat_boot_delay_ms", 300L);
        cfg.put("autonat_dial_timeout_ms", 3000L);
        cfg.put("reachability_threshold", 1);
        cfg.put("observed_confirmations", 1);
        cfg.put("max_attempts", ATTEMPTS);
        return BenchAccess.config(HolePunchConfig.class, cfg);
    }

    public static void main(String[] args) throws Exception {
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        List<AutoCloseable> open = new CopyOnWriteArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(open)));
        try {
            switch (args[0]) {
                case "relay" -> relay(args, timer, open);
                case "bob" -> bob(args, timer, open);
                case "alice" -> alice(args, timer, open);
                case "probe" -> probe(args, timer, open);
                case "autonat-server" -> autonatServer(args, timer, open);
                default -> throw new IllegalArgumentException("unknown role " + args[0]);
            }
            if (!args[0].equals("alice")) {
                while (System.in.read() >= 0) {
                    // run until the test closes stdin (or kills us)
                }
            }
        } catch (Exception e) {
            say("ERROR " + e);
            e.printStackTrace();
        } finally {
            closeAll(open);
            timer.shutdownNow();
        }
        System.exit(0);
    }

    static void closeAll(List<AutoCloseable> open) {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.remove(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    static void relay(String[] args, ScheduledExecutorService timer, List<AutoCloseable> open) {
        HostIdentity identity = TestNode.newIdentity();
        TestNode node = TestNode.create("relay", identity, "/ip4/0.0.0.0/tcp/" + args[2]);
        HopServer hop = new HopServer(node.host, identity, BenchAccess.config(HopConfig.class,
                Map.of("enabled", true, "allow_private_addresses", true)), Clock.systemUTC(), timer);
        HolePunching punching = new HolePunching(node.host, config(3000, true), timer, Clock.systemUTC(), (b, a) -> { });
        node.addHandler(hop, true, RelayCodec.HOP).addConnectionListener(hop)
                .addHandler(punching.autonat, true, AutoNatMessage.PROTOCOL).listen();
        open.add(node);
        open.add(hop::close);
        open.add(punching);
        say("READY /ip4/" + args[1] + "/tcp/" + args[2] + "/p2p/" + node.peerId());
    }

    /** An AutoNAT client that knows one server: it connects to it and reports each reachability change. */
    static void probe(String[] args, ScheduledExecutorService timer, List<AutoCloseable> open) throws Exception {
        TestNode node = TestNode.create("probe", TestNode.newIdentity(), "/ip4/0.0.0.0/tcp/" + args[2]);
        HolePunching punching = new HolePunching(node.host, config(3000, false), timer, Clock.systemUTC(),
                (b, a) -> say("REACHABILITY " + a));
        node.addHandler(punching.autonat, true, AutoNatMessage.PROTOCOL).listen();
        open.add(node);
        open.add(punching);
        Connection c = node.host.connect(Multiaddr.parse(args[1])).toCompletableFuture().get(15, TimeUnit.SECONDS);
        say("CONNECTED " + c.remoteAddress() + " local=" + c.localAddress());
        awaitTrue(10_000, () -> node.host.peerStore().protocols(c.remotePeer()).contains(AutoNatMessage.PROTOCOL));
        say("SERVER speaks " + AutoNatMessage.PROTOCOL);
        punching.checkNow();
    }

    /** An AutoNAT server and nothing else. */
    static void autonatServer(String[] args, ScheduledExecutorService timer, List<AutoCloseable> open) {
        TestNode node = TestNode.create("autonat", TestNode.newIdentity(), "/ip4/0.0.0.0/tcp/" + args[2]);
        HolePunching punching = new HolePunching(node.host, config(3000, true), timer, Clock.systemUTC(), (b, a) -> { });
        String[] last = {"ok=0 refused=0"}; // reported on the first change
        timer.scheduleWithFixedDelay(() -> {
            Map<String, Long> stats = punching.autonat.stats();
            String now = "ok=" + stats.get("server.ok") + " refused=" + stats.get("server.refused");
            if (!now.equals(last[0])) {
                last[0] = now;
                say("ANSWERED " + now);
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        node.addHandler(punching.autonat, true, AutoNatMessage.PROTOCOL).listen();
        open.add(node);
        open.add(punching);
        say("READY /ip4/" + args[1] + "/tcp/" + args[2] + "/p2p/" + node.peerId());
    }

    record Peer(TestNode node, RelayClient relay, HolePunching punching) {
    }

    static Peer peer(String name, String relayAddr, String port, long dialTimeout, ScheduledExecutorService timer,
                     List<AutoCloseable> open) {
        TestNode node = TestNode.create(name, TestNode.newIdentity(), Map.of("listen_addresses",
                new String[] {"/ip4/0.0.0.0/tcp/" + port, "/p2p-circuit"}, "limited_close_grace_ms", 2000L));
        HolePunching punching = new HolePunching(node.host, config(dialTimeout, false), timer, Clock.systemUTC(),
                (b, a) -> say("REACHABILITY " + a));
        punching.dcutr.addResultListener(r -> say("PUNCH initiator=" + r.initiator() + " success="
                + r.outcome().success() + " attempts=" + r.outcome().attempts() + " ms=" + r.outcome().elapsedMillis()
                + " rtts=" + r.outcome().rttsMillis() + " failure=" + r.outcome().failure()));
        node.addHandler(punching.dcutr, true, HolePunch.PROTOCOL).addConnectionListener(punching.dcutr)
                .addHandler(NatPeer::sink, true, SINK).listen();
        RelayClient relay = new RelayClient(node.host, BenchAccess.config(ClientConfig.class,
                Map.of("relays", new String[] {relayAddr})), Clock.systemUTC(), timer, new SecureRandom());
        node.addHandler(relay.stopHandler, false, RelayCodec.STOP)
                .addConnectionListener(relay.connectionListener).addTransport(relay, "p2p-circuit");
        open.add(node);
        open.add(relay);
        open.add(punching);
        return new Peer(node, relay, punching);
    }

    static void bob(String[] args, ScheduledExecutorService timer, List<AutoCloseable> open) throws Exception {
        Peer bob = peer("bob", args[1], args[2], Long.parseLong(args[3]), timer, open);
        awaitTrue(10_000, () -> !bob.relay.circuitAddresses().isEmpty()
                && !bob.node.host.peerStore().observedAddresses().isEmpty());
        say("OBSERVED " + bob.node.host.peerStore().observedAddresses());
        say("CIRCUIT " + bob.relay.circuitAddresses().get(0).withPeerId(bob.node.peerId()));
    }

    static void alice(String[] args, ScheduledExecutorService timer, List<AutoCloseable> open) throws Exception {
        long dialTimeout = Long.parseLong(args[4]);
        int payload = Integer.parseInt(args[5]);
        Peer alice = peer("alice", args[1], args[3], dialTimeout, timer, open);
        Multiaddr bobAddr = Multiaddr.parse(args[2]);
        PeerId bob = bobAddr.peerId().orElseThrow();
        awaitTrue(10_000, () -> !alice.node.host.peerStore().observedAddresses().isEmpty());
        say("OBSERVED " + alice.node.host.peerStore().observedAddresses());
        List<HolePunchService.Result> results = new CopyOnWriteArrayList<>();
        alice.punching.dcutr.addResultListener(results::add);

        long t0 = System.nanoTime();
        Connection relayed = alice.node.host.connect(bobAddr).toCompletableFuture().get(15, TimeUnit.SECONDS);
        long relayedAt = System.nanoTime();
        say("RELAYED " + relayed.remoteAddress() + " limited=" + relayed.isLimited() + " ms="
                + ms(relayedAt - t0));
        // until a direct connection is up, or Bob's DCUtR has used up its attempts (each round ends on our side
        // with a result), or a generous deadline
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ATTEMPTS * (dialTimeout + 5_000) + 5_000);
        Connection direct = null;
        while (System.nanoTime() < deadline) {
            direct = alice.node.host.connections(bob).stream().filter(c -> c.isOpen() && !c.isLimited()).findFirst()
                    .orElse(null);
            if (direct != null || results.stream().anyMatch(r -> r.outcome().attempts() >= ATTEMPTS)) {
                break;
            }
            Thread.sleep(5);
        }
        long directMs = direct != null ? ms(System.nanoTime() - relayedAt) : -1;
        say("DIRECT " + (direct != null) + " ms=" + directMs + (direct != null ? " remote=" + direct.remoteAddress()
                + " direction=" + direct.direction() : ""));

        Stream ps = alice.node.host.newStream(bob, List.of(Ping.PROTOCOL)).toCompletableFuture()
                .get(15, TimeUnit.SECONDS);
        String pingOver = ps.connection().isLimited() ? "relayed" : "direct";
        Ping ping = new Ping(ps, new SecureRandom());
        Duration rtt = ping.ping().toCompletableFuture().get(15, TimeUnit.SECONDS);
        ping.close();
        say("PING over=" + pingOver + " ms=" + rtt.toMillis());

        Stream s = alice.node.host.newStream(bob, List.of(SINK)).toCompletableFuture().get(15, TimeUnit.SECONDS);
        String over = s.connection().isLimited() ? "relayed" : "direct";
        long t1 = System.nanoTime();
        long received = send(s, payload);
        say("TRANSFER over=" + over + " bytes=" + received + " ms=" + ms(System.nanoTime() - t1));
        say("STATE reachability=" + alice.punching.reachability() + " connections="
                + alice.node.host.connections(bob).stream().map(c -> (c.isLimited() ? "relayed" : "direct")).toList());
        say("DONE");
    }

    /** Sends {@code n} random bytes to the sink and returns the count it acknowledges. */
    static long send(Stream s, int n) throws Exception {
        CompletableFuture<Long> ack = new CompletableFuture<>();
        ByteBuffer got = ByteBuffer.allocate(8);
        s.setReader(new DuplexReader() {
            @Override
            public void onData(ByteBuffer data) {
                while (data.hasRemaining() && got.hasRemaining()) {
                    got.put(data.get());
                }
                if (!got.hasRemaining()) {
                    ack.complete(got.flip().getLong());
                }
            }

            @Override
            public void onClose(Throwable cause) {
                ack.completeExceptionally(cause != null ? cause : new java.io.EOFException("no acknowledgement"));
            }
        });
        byte[] chunk = new byte[64 * 1024];
        new SecureRandom().nextBytes(chunk);
        int left = n;
        while (left > 0) {
            int len = Math.min(left, chunk.length);
            s.write(ByteBuffer.wrap(chunk, 0, len)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            left -= len;
        }
        s.closeWrite();
        long count = ack.get(60, TimeUnit.SECONDS);
        s.close();
        return count;
    }

    /** Counts what arrives until the writer closes, then answers with the count (8 bytes). */
    static void sink(Stream s) {
        AtomicLong count = new AtomicLong();
        s.setReader(new DuplexReader() {
            @Override
            public void onData(ByteBuffer data) {
                count.addAndGet(data.remaining());
                data.position(data.limit());
            }

            @Override
            public void onEnd() {
                s.write(ByteBuffer.allocate(8).putLong(0, count.get())).whenComplete((v, e) -> s.closeWrite());
            }
        });
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static void awaitTrue(long millis, java.util.function.BooleanSupplier condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out after " + millis + " ms");
            }
            Thread.sleep(10);
        }
    }
}
