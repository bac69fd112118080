package io.meshwork.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerRouting;
import io.meshwork.libp2p.api.routing.ValueStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.AfterClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The DHT bundle in the relay bundle set, bootstrapped from a relay runtime process (DHT server mode by the relay's
 * defaults): it stores records there, the host dials through it, and the host and the DHT survive a restart of each
 * other's bundle (the DHT references the host; the host binds PeerRouting lazily, so there is no DS cycle).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KadBundleIT {

    private static final String PROTOCOL = "/meshwork/kad/1.0.0";
    private static RemoteNode remote;
    private static String remoteAddress;

    @Inject
    private BundleContext context;

    @Inject
    private HostIdentity identity;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("it.work"));
        Files.createDirectories(work);
        if (remote == null) {
            remote = RemoteNode.start(Path.of(ProcessHandle.current().info().command().orElseThrow()),
                    Path.of(System.getProperty("it.relay.jar")), Files.createTempDirectory(work, "kad-remote-"),
                    List.of());
            remoteAddress = remote.awaitListenAddress(60);
        }
        Path data = Files.createTempDirectory(work, "kad-pax-");
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("remote.addr"), remoteAddress); // the test itself runs in the framework
        Files.writeString(data.resolve("conf").resolve("io.meshwork.metrics.cfg"), "enabled = false\n");
        Files.writeString(data.resolve("conf").resolve("io.meshwork.libp2p.kad.cfg"),
                "mode = server\nbootstrap.nodes = " + remoteAddress + "\n");
        List<Option> opts = new ArrayList<>();
        opts.addAll(RunBundles.options(Path.of(System.getProperty("it.relay.bndrun")),
                Path.of(System.getProperty("it.bundles"))));
        opts.add(junitBundles());
        opts.add(cleanCaches());
        opts.add(frameworkProperty("meshwork.data").value(data.toString()));
        opts.add(frameworkProperty("gosh.args").value("--nointeractive"));
        // FileInstall applies conf/ as the launcher sets it up (the DHT's bootstrap node comes from there)
        opts.add(frameworkProperty("felix.fileinstall.dir").value(data.resolve("conf").toString()));
        opts.add(frameworkProperty("felix.fileinstall.filter").value(".*\\.(cfg|config)"));
        opts.add(frameworkProperty("felix.fileinstall.poll").value("1000"));
        opts.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        opts.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        opts.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        return options(opts.toArray(new Option[0]));
    }

    @AfterClass
    public static void stopRemote() {
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    public void storesOnTheBootstrapNodeAndSurvivesRestartsOfItsOwnAndTheHostBundle() throws Exception {
        storesOurPublicKeyRecord("at start");
        assertTrue(host().protocols().contains(PROTOCOL));
        hostAsksPeerRouting(true);
        gogoCommands();

        Bundle kad = bundle("libp2p.kad");
        kad.stop();
        assertNull("PeerRouting gone with the DHT bundle", context.getServiceReference(PeerRouting.class));
        waitFor("the host stops advertising the DHT", () -> !host().protocols().contains(PROTOCOL));
        hostAsksPeerRouting(false);
        kad.start();
        storesOurPublicKeyRecord("after restarting libp2p.kad");
        waitFor("the host advertises the DHT again", () -> host().protocols().contains(PROTOCOL));
        hostAsksPeerRouting(true);

        Bundle core = bundle("libp2p.core");
        core.stop();
        waitFor("the DHT goes with the host", () -> context.getServiceReference(ValueStore.class) == null);
        core.start();
        storesOurPublicKeyRecord("after restarting libp2p.core");
        waitFor("the new host advertises the DHT", () -> host().protocols().contains(PROTOCOL));
        hostAsksPeerRouting(true);
    }

    /** dht:put signs our own /meshwork/ record; dht:get reads it; dht:table lists the bootstrap node. */
    private void gogoCommands() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.scope=dht)");
        assertTrue("dht commands registered", refs != null && refs.length == 1);
        Object commands = context.getService(refs[0]);
        Class<?> type = commands.getClass();
        String key = "/meshwork/" + identity.peerId() + "/status";
        String put = (String) type.getMethod("put", String.class, String[].class).invoke(commands, key,
                new String[] {"away", "until", "noon"});
        assertTrue(put, put.startsWith("Stored on 1 peer"));
        String get = (String) type.getMethod("get", String.class, int[].class).invoke(commands, key, new int[] {2});
        assertTrue(get, get.contains("signed by " + identity.peerId() + ": away until noon"));
        String remote = Files.readString(Path.of(context.getProperty("meshwork.data"), "remote.addr")).trim();
        String table = (String) type.getMethod("table").invoke(commands);
        assertTrue(table, table.contains("server mode: 1 peers") && table.contains(remote.substring(
                remote.lastIndexOf('/') + 1)));
        String pk = (String) type.getMethod("get", String.class, int[].class).invoke(commands,
                "/pk/" + identity.peerId(), new int[0]);
        assertTrue(pk, pk.startsWith("0x"));
    }

    /** Puts our /pk/ record until the bootstrap node stores it, then reads it back with quorum 2. */
    private void storesOurPublicKeyRecord(String when) throws Exception {
        byte[] id = identity.peerId().bytes();
        byte[] key = new byte[4 + id.length];
        System.arraycopy("/pk/".getBytes(), 0, key, 0, 4);
        System.arraycopy(id, 0, key, 4, id.length);
        byte[] value = identity.publicKey().marshal();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            ValueStore store = service(ValueStore.class);
            if (store != null) {
                try {
                    int n = store.put(key, value).toCompletableFuture().get(20, TimeUnit.SECONDS);
                    assertTrue(n >= 1);
                    assertArrayEquals(value, store.get(key, 2).toCompletableFuture().get(20, TimeUnit.SECONDS));
                    return;
                } catch (ExecutionException e) {
                    last = e; // not bootstrapped yet
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the DHT did not store a record on the bootstrap node " + when, last);
    }

    /** Dials an unknown peer: the error says whether the host asked peer routing. */
    private void hostAsksPeerRouting(boolean expected) throws Exception {
        PeerId stranger = PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
        try {
            host().connect(stranger).toCompletableFuture().get(60, TimeUnit.SECONDS);
            fail("dialed a peer that does not exist");
        } catch (ExecutionException e) {
            String msg = e.getCause().getMessage();
            if (expected) {
                assertTrue(msg, msg.contains("peer routing found none") && msg.contains("not found"));
            } else {
                assertFalse(msg, msg.contains("peer routing"));
            }
        }
    }

    private Host host() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Host h = service(Host.class);
            if (h != null) {
                return h;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no Host service");
    }

    private <S> S service(Class<S> type) {
        ServiceReference<S> ref = context.getServiceReference(type);
        return ref == null ? null : context.getService(ref);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.ok()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
