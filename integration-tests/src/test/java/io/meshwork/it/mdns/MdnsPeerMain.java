package io.meshwork.it.mdns;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.core.internal.host.BenchAccess;
import io.meshwork.libp2p.mdns.internal.MdnsConfig;
import io.meshwork.libp2p.mdns.internal.MdnsNode;
import io.meshwork.testing.TestNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Java peer with mDNS, run as a child process inside a test network namespace ({@link NetNs}): a {@link TestNode}
 * listening on {@code /ip4/0.0.0.0/tcp/0} (so on the namespace's LAN address) and an {@link MdnsNode} built as the DS
 * component would. One event per line on stdout:
 * {@code READY <peer-id> <listen addrs>}, {@code FOUND <peer-id> <addrs> <ms since mDNS started>},
 * {@code CONNECTED <peer-id>},
 * {@code PACKET <source ip>} (every datagram received on the mDNS socket), {@code STOPPED}, {@code STARTED}, and
 * {@code MARK} (echo of the {@code mark} command). Commands on stdin: {@code stop} (closes mDNS: no multicast after
 * STOPPED), {@code start}, {@code mark}, {@code stats} (answers {@code STATS {counters}}), {@code flood <n>} (sends
 * n hostile datagrams to the group, then {@code FLOODED}), {@code quit}.
 *
 * <p>Arguments: {@code key=value} overrides of {@link MdnsConfig} (method names, e.g. {@code query_interval_ms=1000},
 * {@code dial_discovered=false}).
 */
public final class MdnsPeerMain {

    private MdnsPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, Object> overrides = new HashMap<>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            String v = kv[1];
            if (kv[0].equals("interfaces")) {
                overrides.put(kv[0], v.isEmpty() ? new String[0] : v.split(","));
                continue;
            }
            overrides.put(kv[0], v.equals("true") || v.equals("false") ? (Object) Boolean.valueOf(v)
                    : v.matches("-?\\d+") ? (kv[0].startsWith("max_") || kv[0].equals("port") ? (Object) Integer.valueOf(v)
                            : (Object) Long.valueOf(v)) : v);
        }
        MdnsConfig config = BenchAccess.config(MdnsConfig.class, overrides);
        TestNode node = TestNode.create("mdns-peer", TestNode.newIdentity(), "/ip4/0.0.0.0/tcp/0");
        node.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection connection) {
                out.println("CONNECTED " + connection.remotePeer());
            }

            @Override
            public void disconnected(Connection connection) {
            }
        });
        node.listen();
        out.println("READY " + node.peerId() + " " + node.host.listenAddresses().stream().map(Object::toString)
                .collect(Collectors.joining(",")));
        MdnsNode mdns = start(config, node, out);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.strip()) {
                case "stop" -> {
                    if (mdns != null) {
                        mdns.close();
                        mdns = null;
                    }
                    out.println("STOPPED");
                }
                case "start" -> {
                    if (mdns == null) {
                        mdns = start(config, node, out);
                    }
                    out.println("STARTED");
                }
                case "mark" -> out.println("MARK");
                case "stats" -> out.println("STATS " + (mdns == null ? "{}" : mdns.stats().toString()));
                default -> {
                    if (line.startsWith("flood ")) {
                        flood(Integer.parseInt(line.substring(6).strip()));
                        out.println("FLOODED");
                    } else {
                        out.println("ERROR unknown command " + line);
                    }
                }
                case "quit" -> {
                    if (mdns != null) {
                        mdns.close();
                    }
                    node.close();
                    System.exit(0);
                }
            }
        }
        System.exit(0);
    }

    /**
     * Multicasts {@code count} hostile datagrams to the mDNS group from another socket: random bytes, valid headers
     * followed by pointer soup, announced counts far beyond the content, and oversized datagrams (9500 bytes).
     */
    private static void flood(int count) throws Exception {
        java.util.Random random = new java.util.Random(42);
        try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open(
                java.net.StandardProtocolFamily.INET)) {
            java.net.InetSocketAddress group = new java.net.InetSocketAddress("224.0.0.251", 5353);
            for (int i = 0; i < count; i++) {
                byte[] b = new byte[i % 50 == 0 ? 9500 : 12 + random.nextInt(300)];
                random.nextBytes(b);
                if (i % 3 == 0) {
                    b[0] = 0;
                    b[1] = 0;
                    b[2] = (byte) 0x84; // a response
                    b[4] = (byte) 0xFF; // 65535+ questions and records
                    b[5] = (byte) 0xFF;
                    for (int k = 12; k < b.length; k += 2) {
                        b[k] = (byte) 0xC0; // compression pointers everywhere
                    }
                }
                ch.send(java.nio.ByteBuffer.wrap(b), group);
            }
        }
    }

    private static MdnsNode start(MdnsConfig config, TestNode node, PrintStream out) throws Exception {
        long started = System.nanoTime();
        return new MdnsNode(config, node.host, p -> out.println("FOUND " + p.peer() + " " + p.addresses().stream()
                .map(Object::toString).collect(Collectors.joining(",")) + " "
                + (System.nanoTime() - started) / 1_000_000), Clock.systemUTC(),
                from -> out.println("PACKET " + from.getAddress().getHostAddress()));
    }
}
