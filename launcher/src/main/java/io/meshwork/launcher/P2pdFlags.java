package io.meshwork.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The command-line flags of go-libp2p's daemon ({@code p2pd}) that the runtime understands in {@code --p2pd} mode,
 * and their translation into configuration files of our bundles, written to {@code <data>/conf} before the
 * framework starts. Flags follow Go's syntax: {@code -name}, {@code -name=value} or {@code -name value} (one or two
 * dashes). Combinations this node cannot serve (TLS, plaintext, mplex, non-Ed25519 identities, unix sockets) are
 * refused with a clear message rather than silently ignored.
 */
record P2pdFlags(String listen, List<String> hostAddrs, boolean noListenAddrs, String idFile, boolean relay,
                 boolean pubsub, String pubsubRouter, boolean dht, boolean dhtServer, boolean dhtClient) {

    /** The DHT protocol the p2pd mode speaks: the standard one (js and go daemons use it), not Meshwork's own. */
    static final String DHT_PROTOCOL = "/ipfs/kad/1.0.0";

    static final String USAGE = String.join(System.lineSeparator(),
            "p2pd mode (--p2pd): a libp2p daemon control socket, for p2pd clients such as the libp2p interop suite",
            "  -listen=MULTIADDR      control socket (default /ip4/127.0.0.1/tcp/0; TCP on loopback only)",
            "  -hostAddrs=A,B         libp2p listen addresses (default /ip4/0.0.0.0/tcp/0)",
            "  -noListenAddrs         do not listen (dial only; relayed connections are still accepted)",
            "  -id=FILE               identity: a protobuf-encoded Ed25519 private key file",
            "  -relay                 serve as a circuit relay v2 hop",
            "  -pubsub, -pubsubRouter=gossipsub|floodsub   (our router speaks both)",
            "  -noise, -muxer=yamux   the only security protocol and muxer implemented",
            "  -dht, -dhtServer       DHT (/ipfs/kad/1.0.0) in server mode; -dhtClient: client mode",
            "                         (without them the DHT is a client and DHT requests are refused)",
            "  without --data, a temporary data directory is used and deleted at exit");

    /** Boolean flags accepted with no effect on this node (go-p2pd features we do not need or always have). */
    private static final Set<String> IGNORED_BOOLEANS = Set.of("quiet", "q", "natPortMap",
            "autoRelay", "autonat", "relayActive", "relayDiscovery", "relayHop", "pubsubSign", "pubsubSignStrict",
            "connManager", "bootstrap", "b", "noise", "echo", "forceReachabilityPublic",
            "forceReachabilityPrivate");
    private static final Set<String> IGNORED_VALUES = Set.of("bootstrapPeers", "connLo", "connHi", "connGrace",
            "gossipsubHeartbeatInterval", "gossipsubHeartbeatInitialDelay", "metricsAddress", "psk",
            "announceAddrs", "noiseKey", "idleTimeout");
    private static final Set<String> BOOLEANS = Set.of("noListenAddrs", "relay", "pubsub", "dht", "dhtServer", "dhtClient",
            "tls", "plaintext", "quic", "webtransport", "webrtc");

    static P2pdFlags parse(List<String> flags) throws LaunchOptions.UsageException {
        String listen = "/ip4/127.0.0.1/tcp/0";
        List<String> hostAddrs = new ArrayList<>();
        boolean noListen = false;
        String id = "";
        boolean relay = false;
        boolean pubsub = false;
        String router = "gossipsub";
        boolean dht = false;
        boolean dhtServer = false;
        boolean dhtClient = false;
        for (int i = 0; i < flags.size(); i++) {
            String f = flags.get(i);
            String body = f.startsWith("--") ? f.substring(2) : f.substring(1);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String value = eq < 0 ? null : body.substring(eq + 1);
            boolean isBool = BOOLEANS.contains(name) || IGNORED_BOOLEANS.contains(name);
            if (!isBool && value == null) {
                if (i + 1 >= flags.size()) {
                    throw new LaunchOptions.UsageException("flag needs an argument: -" + name);
                }
                value = flags.get(++i);
            }
            boolean on = isBool && bool(name, value);
            switch (name) {
                case "listen" -> {
                    if (!value.startsWith("/ip4/") && !value.startsWith("/ip6/") || !value.contains("/tcp/")) {
                        throw new LaunchOptions.UsageException("-listen " + value + ": the control socket must be"
                                + " a TCP multiaddr such as /ip4/127.0.0.1/tcp/0 (unix sockets are not supported)");
                    }
                    listen = value;
                }
                case "hostAddrs" -> {
                    for (String a : value.split(",")) {
                        if (!a.isBlank()) {
                            hostAddrs.add(a.trim());
                        }
                    }
                }
                case "noListenAddrs" -> noListen = on;
                case "id" -> id = value;
                case "relay" -> relay = on;
                case "pubsub" -> pubsub = on;
                case "pubsubRouter" -> {
                    if (!value.equals("gossipsub") && !value.equals("floodsub")) {
                        throw new LaunchOptions.UsageException("-pubsubRouter " + value
                                + ": only gossipsub and floodsub are known");
                    }
                    router = value;
                }
                case "dht" -> dht = on;
                case "dhtServer" -> dhtServer = on;
                case "dhtClient" -> dhtClient = on;
                case "muxer" -> {
                    if (!value.equals("yamux")) {
                        throw new LaunchOptions.UsageException("-muxer " + value + ": only yamux is implemented");
                    }
                }
                case "tls", "plaintext", "quic", "webtransport", "webrtc" -> {
                    if (on) {
                        throw new LaunchOptions.UsageException("-" + name + ": not implemented by this node"
                                + " (it speaks TCP with noise and yamux)");
                    }
                }
                default -> {
                    if (!IGNORED_BOOLEANS.contains(name) && !IGNORED_VALUES.contains(name)) {
                        throw new LaunchOptions.UsageException("unknown p2pd flag '" + f + "'");
                    }
                }
            }
        }
        return new P2pdFlags(listen, List.copyOf(hostAddrs), noListen, id, relay, pubsub, router, dht, dhtServer,
                dhtClient);
    }

    private static boolean bool(String name, String value) throws LaunchOptions.UsageException {
        if (value == null) {
            return true;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "t" -> true;
            case "false", "0", "f" -> false;
            default -> throw new LaunchOptions.UsageException("-" + name + "=" + value + ": not a boolean");
        };
    }

    /** The libp2p listen addresses: -hostAddrs (or an ephemeral TCP port), and /p2p-circuit to accept relayed. */
    List<String> listenAddresses() {
        List<String> out = new ArrayList<>();
        if (!noListenAddrs) {
            out.addAll(hostAddrs.isEmpty() ? List.of("/ip4/0.0.0.0/tcp/0") : hostAddrs);
        }
        out.add("/p2p-circuit");
        return out;
    }

    /**
     * Writes the node's configuration for this daemon into {@code <data>/conf} (replacing earlier p2pd files) and
     * installs the identity key. The host configuration carries a fresh token that the daemon's host reference
     * targets, so the control socket opens only once the host runs with this configuration.
     */
    void apply(Path data) throws IOException, LaunchOptions.UsageException {
        Path conf = data.resolve("conf");
        Files.createDirectories(conf);
        if (!idFile.isEmpty()) {
            Path key = Path.of(idFile);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(key);
            } catch (IOException e) {
                throw new LaunchOptions.UsageException("-id " + idFile + ": cannot read the key file ("
                        + e.getMessage() + ")");
            }
            // libp2p PrivateKey protobuf: field 1 (KeyType) = 1 is Ed25519
            if (bytes.length < 4 || bytes[0] != 0x08 || bytes[1] != 0x01) {
                throw new LaunchOptions.UsageException("-id " + idFile + ": not an Ed25519 private key (this node"
                        + " needs a protobuf-encoded Ed25519 key)");
            }
            Path target = data.resolve("identity.key");
            Path tmp = data.resolve("identity.key.p2pd.tmp");
            Files.write(tmp, bytes);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        String token = UUID.randomUUID().toString();
        write(conf, "io.meshwork.libp2p.core", "listen.addresses=" + array(listenAddresses()),
                "meshwork.p2pd=" + quote(token));
        write(conf, "io.meshwork.libp2p.daemon", "listen=" + quote(listen),
                "host.target=" + quote("(meshwork.p2pd=" + token + ")"),
                "await.listen.addresses=B" + quote(Boolean.toString(!noListenAddrs)),
                "dht.enabled=B" + quote(Boolean.toString(dhtEnabled())));
        write(conf, "io.meshwork.libp2p.relay.hop", "enabled=B" + quote(Boolean.toString(relay)));
        write(conf, "io.meshwork.metrics", "enabled=B\"false\"");
        write(conf, "io.meshwork.libp2p.kad", "mode=" + quote(dhtMode()), "protocol.id=" + quote(DHT_PROTOCOL));
    }

    /** Whether the daemon serves DHT requests: go-p2pd has a DHT only with one of its DHT flags. */
    boolean dhtEnabled() {
        return dht || dhtServer || dhtClient;
    }

    /**
     * The DHT mode: server for {@code -dht} (go-p2pd's "full node") and {@code -dhtServer}, client for
     * {@code -dhtClient} and without DHT flags (the DHT bundle is always there; a client neither answers DHT
     * requests nor joins routing tables, and no bootstrap nodes: the file replaces the relay's DHT defaults).
     */
    String dhtMode() {
        return dht || dhtServer ? "server" : "client";
    }

    private static void write(Path conf, String pid, String... lines) throws IOException {
        Files.deleteIfExists(conf.resolve(pid + ".cfg"));
        Path file = conf.resolve(pid + ".config");
        Path tmp = conf.resolve(pid + ".config.tmp");
        Files.writeString(tmp, "# written by the launcher's --p2pd mode at each start\n" + String.join("\n", lines)
                + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String array(List<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(quote(v)));
        return "[" + String.join(",", quoted) + "]";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
