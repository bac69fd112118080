package io.meshwork.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class P2pdFlagsTest {

    private static final Path DEFAULT = Path.of("/home/u/.meshwork/relay");

    @Test
    void parsesTheFlagsTheInteropSuitePasses(@TempDir Path tmp) throws Exception {
        byte[] key = new byte[68];
        key[0] = 0x08;
        key[1] = 0x01;
        key[2] = 0x12;
        key[3] = 0x40;
        Path keyFile = Files.write(tmp.resolve("go.ed25519.key"), key);
        LaunchOptions o = LaunchOptions.parse(List.of("--data", tmp.resolve("d").toString(), "--p2pd",
                "-listen=/ip4/127.0.0.1/tcp/34567", "-noListenAddrs", "-id=" + keyFile, "-noise=true",
                "-muxer=yamux", "-relay", "-pubsub", "-pubsubRouter=floodsub", "-dhtServer"), DEFAULT);
        P2pdFlags f = o.p2pd();
        assertFalse(o.interactive());
        assertTrue(o.dataGiven());
        assertEquals("/ip4/127.0.0.1/tcp/34567", f.listen());
        assertTrue(f.noListenAddrs() && f.relay() && f.pubsub() && f.dhtServer());
        assertEquals("floodsub", f.pubsubRouter());
        assertEquals(List.of("/p2p-circuit"), f.listenAddresses());

        f.apply(o.dataDir());
        assertArrayEquals(key, Files.readAllBytes(o.dataDir().resolve("identity.key")));
        String host = Files.readString(o.dataDir().resolve("conf/io.meshwork.libp2p.core.config"));
        assertTrue(host.contains("listen.addresses=[\"/p2p-circuit\"]"), host);
        String daemon = Files.readString(o.dataDir().resolve("conf/io.meshwork.libp2p.daemon.config"));
        assertTrue(daemon.contains("listen=\"/ip4/127.0.0.1/tcp/34567\""), daemon);
        String token = host.substring(host.indexOf("meshwork.p2pd=\"") + 15, host.lastIndexOf('"'));
        assertTrue(daemon.contains("host.target=\"(meshwork.p2pd=" + token + ")\""), daemon);
        assertTrue(Files.readString(o.dataDir().resolve("conf/io.meshwork.libp2p.relay.hop.config"))
                .contains("enabled=B\"true\""));
        assertTrue(Files.readString(o.dataDir().resolve("conf/io.meshwork.metrics.config"))
                .contains("enabled=B\"false\""));
        assertTrue(daemon.contains("dht.enabled=B\"true\""), daemon);
        String kad = Files.readString(o.dataDir().resolve("conf/io.meshwork.libp2p.kad.config"));
        assertTrue(kad.contains("mode=\"server\"") && kad.contains("protocol.id=\"/ipfs/kad/1.0.0\""), kad);
        assertFalse(kad.contains("bootstrap"), kad);
    }

    @Test
    void dhtFlagsChooseTheModeAndWhetherDhtRequestsAreServed(@TempDir Path tmp) throws Exception {
        record Case(List<String> flags, String mode, boolean enabled) {
        }
        for (Case c : List.of(new Case(List.of(), "client", false), new Case(List.of("-dht"), "server", true),
                new Case(List.of("-dhtServer=true"), "server", true), new Case(List.of("-dhtClient"), "client", true),
                new Case(List.of("-dht=false"), "client", false))) {
            List<String> args = new java.util.ArrayList<>(List.of("--p2pd"));
            args.addAll(c.flags());
            P2pdFlags f = LaunchOptions.parse(args, DEFAULT).p2pd();
            assertEquals(c.mode(), f.dhtMode(), c.toString());
            assertEquals(c.enabled(), f.dhtEnabled(), c.toString());
            Path data = Files.createTempDirectory(tmp, "d");
            f.apply(data);
            assertTrue(Files.readString(data.resolve("conf/io.meshwork.libp2p.kad.config"))
                    .contains("mode=\"" + c.mode() + "\""), c.toString());
            assertTrue(Files.readString(data.resolve("conf/io.meshwork.libp2p.daemon.config"))
                    .contains("dht.enabled=B\"" + c.enabled() + "\""), c.toString());
        }
    }

    @Test
    void hostAddrsAndSpaceSeparatedValues() throws Exception {
        P2pdFlags f = LaunchOptions.parse(List.of("--p2pd", "-hostAddrs", "/ip4/127.0.0.1/tcp/0,/ip6/::1/tcp/0",
                "--listen", "/ip4/127.0.0.1/tcp/0"), DEFAULT).p2pd();
        assertEquals(List.of("/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0", "/p2p-circuit"), f.listenAddresses());
        assertFalse(LaunchOptions.parse(List.of("--p2pd"), DEFAULT).dataGiven());
    }

    @Test
    void refusesWhatThisNodeCannotServe(@TempDir Path tmp) throws Exception {
        for (List<String> bad : List.of(List.of("-tls=true"), List.of("-plaintext"), List.of("-muxer=mplex"),
                List.of("-listen=/unix/tmp/p2pd.sock"), List.of("-frobnicate"), List.of("-relay=maybe"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--p2pd"));
            args.addAll(bad);
            assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(args, DEFAULT),
                    bad.toString());
        }
        byte[] rsa = {0x08, 0x00, 0x12, 0x01, 0x00};
        Path keyFile = Files.write(tmp.resolve("rsa.key"), rsa);
        P2pdFlags f = LaunchOptions.parse(List.of("--p2pd", "-id=" + keyFile), DEFAULT).p2pd();
        LaunchOptions.UsageException e = assertThrows(LaunchOptions.UsageException.class,
                () -> f.apply(tmp.resolve("d")));
        assertTrue(e.getMessage().contains("not an Ed25519 private key"), e.getMessage());
    }
}
