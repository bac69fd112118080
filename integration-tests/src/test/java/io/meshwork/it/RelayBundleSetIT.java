package io.meshwork.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSub;
import io.meshwork.libp2p.api.pubsub.TopicListener;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Boots the relay runtime's bundle set (exactly the committed {@code relay.bndrun -runbundles}) in Felix and
 * checks wiring, identity persistence across a bundle restart, and installing bundles at runtime.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RelayBundleSetIT {

    /** Provided by the test framework (Pax Exam's own logging API brings SLF4J). */
    private static final List<String> PROVIDED_BY_PAX = List.of();

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        Path work = Path.of(System.getProperty("it.work"));
        Files.createDirectories(work);
        Path data = Files.createTempDirectory(work, "relay-pax-");
        Files.createDirectories(data.resolve("plugins"));
        // An operator file for the metrics endpoint makes the relay defaults leave it alone (off): this framework
        // must not take the fixed port 9464, which another node of the test run may hold. The runtime jar test
        // covers the endpoint.
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("conf").resolve("io.meshwork.metrics.cfg"), "enabled = false\n");
        List<Option> opts = new ArrayList<>();
        opts.addAll(RunBundles.options(Path.of(System.getProperty("it.relay.bndrun")),
                Path.of(System.getProperty("it.bundles"))));
        opts.add(junitBundles());
        opts.add(cleanCaches());
        opts.add(frameworkProperty("meshwork.data").value(data.toString()));
        opts.add(frameworkProperty("felix.fileinstall.dir").value(data.resolve("plugins").toString()));
        opts.add(frameworkProperty("felix.fileinstall.poll").value("200"));
        opts.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        opts.add(frameworkProperty("felix.fileinstall.bundles.new.start").value("true"));
        opts.add(frameworkProperty("gosh.args").value("--nointeractive"));
        opts.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        return options(opts.toArray(new Option[0]));
    }

    @Test
    public void everyBundleIsActiveAndEveryComponentSatisfied() throws Exception {
        for (String bsn : RunBundles.symbolicNames(Path.of(System.getProperty("it.relay.bndrun")))) {
            Bundle b = installed(bsn);
            assertNotNull("run bundle " + bsn + " is installed", b);
            int expected = b.getHeaders().get(Constants.FRAGMENT_HOST) != null ? Bundle.RESOLVED : Bundle.ACTIVE;
            assertEquals("state of " + bsn, expected, b.getState());
        }
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        assertNotNull("SCR is running", ref);
        ServiceComponentRuntime scr = context.getService(ref);
        waitFor("all components satisfied", () -> unsatisfied(scr).isEmpty());
        int ours = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.bundle.symbolicName.startsWith("meshwork.")) {
                ours++;
            }
        }
        assertTrue("our components are registered with SCR, found " + ours, ours >= 4);
    }

    /**
     * The p2pd daemon is off until configured; configured, it answers IDENTIFY on its control socket with the
     * host's Peer ID; stopping its bundle closes the socket, starting it again reopens it.
     */
    @Test
    public void daemonServesOnceConfiguredAndReleasesItsSocketWithItsBundle() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        assertFalse("no control socket without configuration", identifyAnswers(port, null));
        ServiceReference<org.osgi.service.cm.ConfigurationAdmin> cmRef =
                context.getServiceReference(org.osgi.service.cm.ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration config = context.getService(cmRef)
                .getConfiguration("io.meshwork.libp2p.daemon", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("listen", "/ip4/127.0.0.1/tcp/" + port);
        config.update(props);
        try {
            PeerId self = context.getService(context.getServiceReference(Host.class)).peerId();
            waitFor("the daemon answers IDENTIFY", () -> identifyAnswers(port, self));
            Bundle daemon = installed("libp2p.daemon");
            daemon.stop();
            assertFalse("the control socket is closed with its bundle", identifyAnswers(port, null));
            daemon.start();
            waitFor("the daemon answers IDENTIFY again", () -> identifyAnswers(port, self));
        } finally {
            config.delete();
        }
        waitFor("the control socket closes when the configuration goes", () -> !identifyAnswers(port, null));
    }

    /** Sends IDENTIFY; true if the answer is OK and (when given) names {@code expected}. */
    private static boolean identifyAnswers(int port, PeerId expected) {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {2, 0x08, 0x00}); // uvarint(2) || Request{type: IDENTIFY}
            s.getOutputStream().flush();
            byte[] answer = s.getInputStream().readAllBytes();
            // uvarint(length) || Response{type (field 1) = OK (0), identify (field 4) {id (field 1), addrs}}
            int start = answer.length > 0 && (answer[0] & 0x80) != 0 ? 2 : 1;
            boolean ok = answer.length > start + 1 && answer[start] == 0x08 && answer[start + 1] == 0x00;
            if (!ok || expected == null) {
                return ok;
            }
            byte[] id = expected.bytes();
            String text = java.util.HexFormat.of().formatHex(answer);
            return text.contains(java.util.HexFormat.of().formatHex(id));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    public void identitySurvivesARestartOfItsBundle() throws Exception {
        PeerId before = identity().peerId();
        Bundle identityBundle = installed("meshwork.identity");
        identityBundle.stop();
        assertNull("identity service is gone while its bundle is stopped",
                context.getServiceReference(HostIdentity.class));
        identityBundle.start();
        PeerId after = identity().peerId();
        assertEquals("same Peer ID after restart: the key was persisted", before, after);
        assertTrue(before.toBase58().startsWith("12D3KooW"));
    }

    @Test
    public void installsStartsAndUninstallsABundleAtRuntime() throws Exception {
        Path plugins = Path.of(context.getProperty("meshwork.data")).resolve("plugins");

        // By API, as Gogo's install does.
        Path direct = plugins.getParent().resolve("direct.jar");
        writeBundle(direct, "it.direct.bundle", "1.0.0");
        Bundle b = context.installBundle(direct.toUri().toString());
        b.start();
        assertEquals(Bundle.ACTIVE, b.getState());
        b.uninstall();

        // By dropping a jar into <data>/plugins (FileInstall), then updating and deleting it.
        Path dropped = plugins.resolve("dropped.jar");
        writeBundle(dropped, "it.dropped.bundle", "1.0.0");
        waitFor("FileInstall installs and starts the dropped bundle",
                () -> installed("it.dropped.bundle") != null && installed("it.dropped.bundle").getState() == Bundle.ACTIVE);
        writeBundle(dropped, "it.dropped.bundle", "1.1.0");
        waitFor("FileInstall updates the bundle in place",
                () -> installed("it.dropped.bundle") != null
                        && "1.1.0".equals(installed("it.dropped.bundle").getVersion().toString()));
        Files.delete(dropped);
        waitFor("FileInstall uninstalls the deleted bundle", () -> installed("it.dropped.bundle") == null);
    }

    /**
     * Regression: handlers that reference the Host (identify, pubsub) were lost when the Host was re-created while
     * they were registered (a circular reference in DS), leaving a host that served only ping.
     */
    @Test
    public void hostServesIdentifyAndPubSubAfterStartAndAfterARestartOfCoreAndPubSub() throws Exception {
        assertServesIdentifyAndPubSub("after start");
        installed("libp2p.core").stop();
        installed("libp2p.core").start();
        assertServesIdentifyAndPubSub("after a restart of libp2p.core");
        installed("libp2p.pubsub").stop();
        installed("libp2p.pubsub").start();
        assertServesIdentifyAndPubSub("after a restart of libp2p.pubsub");
    }

    /**
     * The relay runtime turns the circuit relay hop server on (RelayDefaults) and every node serves STOP; the circuit
     * transport references the Host, which binds transports lazily, so restarts of either side rewire.
     */
    @Test
    public void relayServesHopAndStopAfterStartAndAfterRestartsOfCoreAndRelay() throws Exception {
        assertServes("after start", "/libp2p/circuit/relay/0.2.0/hop", "/libp2p/circuit/relay/0.2.0/stop");
        installed("libp2p.core").stop();
        installed("libp2p.core").start();
        assertServes("after a restart of libp2p.core", "/libp2p/circuit/relay/0.2.0/hop",
                "/libp2p/circuit/relay/0.2.0/stop", "/ipfs/id/1.0.0");
        installed("libp2p.relay").stop();
        installed("libp2p.relay").start();
        assertServes("after a restart of libp2p.relay", "/libp2p/circuit/relay/0.2.0/hop",
                "/libp2p/circuit/relay/0.2.0/stop", "/ipfs/id/1.0.0");
    }

    /**
     * Hole punching in the relay runtime: DCUtR everywhere, the AutoNAT server on (RelayDefaults), the reachability
     * service with its state property; a restart of libp2p.holepunch rewires all of it.
     */
    @Test
    public void relayServesDcutrAndAutoNatAndTheReachabilityServiceAcrossARestart() throws Exception {
        assertServes("after start", "/libp2p/dcutr", "/libp2p/autonat/1.0.0");
        assertReachabilityService("after start");
        installed("libp2p.holepunch").stop();
        waitFor("the host stops serving /libp2p/dcutr", () -> {
            ServiceReference<Host> ref = context.getServiceReference(Host.class);
            if (ref == null) {
                return false;
            }
            boolean served = context.getService(ref).protocols().contains("/libp2p/dcutr");
            context.ungetService(ref);
            return !served && context.getServiceReference(
                    io.meshwork.libp2p.api.nat.ReachabilityService.class) == null;
        });
        installed("libp2p.holepunch").start();
        assertServes("after a restart of libp2p.holepunch", "/libp2p/dcutr", "/libp2p/autonat/1.0.0");
        assertReachabilityService("after a restart of libp2p.holepunch");
    }

    private void assertReachabilityService(String when) throws InterruptedException {
        waitFor("a ReachabilityService " + when, () -> {
            ServiceReference<io.meshwork.libp2p.api.nat.ReachabilityService> ref = context.getServiceReference(
                    io.meshwork.libp2p.api.nat.ReachabilityService.class);
            return ref != null
                    && ref.getProperty(io.meshwork.libp2p.api.nat.ReachabilityService.REACHABILITY) != null;
        });
    }

    private void assertServes(String when, String... expected) throws InterruptedException {
        waitFor("the host serves " + List.of(expected) + " " + when, () -> {
            ServiceReference<Host> ref = context.getServiceReference(Host.class);
            if (ref == null) {
                return false;
            }
            Set<String> protocols = context.getService(ref).protocols();
            context.ungetService(ref);
            return protocols.containsAll(List.of(expected));
        });
    }

    private void assertServesIdentifyAndPubSub(String when) throws InterruptedException {
        waitFor("the host serves identify and gossipsub " + when, () -> {
            ServiceReference<Host> ref = context.getServiceReference(Host.class);
            if (ref == null) {
                return false;
            }
            Set<String> protocols = context.getService(ref).protocols();
            context.ungetService(ref);
            return protocols.contains("/ipfs/id/1.0.0") && protocols.contains("/meshsub/1.2.0")
                    && protocols.contains("/floodsub/1.0.0");
        });
    }

    /**
     * A whiteboard topic listener keeps receiving across a restart of the pubsub bundle, without code of its own:
     * the new PubSub service subscribes it again.
     */
    @Test
    public void whiteboardTopicListenerRewiresAcrossARestartOfThePubSubBundle() throws Exception {
        String topic = "it/whiteboard";
        List<String> received = new CopyOnWriteArrayList<>();
        TopicListener listener = m -> received.add(new String(m.data(), StandardCharsets.UTF_8));
        ServiceRegistration<TopicListener> reg = context.registerService(TopicListener.class, listener,
                new Hashtable<>(Map.of(PubSub.TOPIC, topic)));
        try {
            publish(topic, "before");
            waitFor("the listener gets the message published before the restart", () -> received.contains("before"));
            Bundle pubsub = installed("libp2p.pubsub");
            pubsub.stop();
            assertNull("no PubSub service while its bundle is stopped", context.getServiceReference(PubSub.class));
            pubsub.start();
            publish(topic, "after");
            waitFor("the listener gets the message published after the restart", () -> received.contains("after"));
            assertEquals(List.of("before", "after"), received);
        } finally {
            reg.unregister();
        }
    }

    private void publish(String topic, String text) throws Exception {
        waitFor("a PubSub service", () -> context.getServiceReference(PubSub.class) != null);
        ServiceReference<PubSub> ref = context.getServiceReference(PubSub.class);
        PubSub pubsub = context.getService(ref);
        try {
            waitFor("PubSub has joined " + topic, () -> pubsub.topics().contains(topic));
            pubsub.publish(topic, text.getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } finally {
            context.ungetService(ref);
        }
    }

    private HostIdentity identity() throws InterruptedException {
        waitFor("HostIdentity service", () -> context.getServiceReference(HostIdentity.class) != null);
        ServiceReference<HostIdentity> ref = context.getServiceReference(HostIdentity.class);
        HostIdentity id = context.getService(ref);
        assertNotNull(id);
        return id;
    }

    private Bundle installed(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static List<String> unsatisfied(ServiceComponentRuntime scr) {
        List<String> bad = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                boolean awaitsRequiredConfig = c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                        && "require".equals(d.configurationPolicy); // e.g. the p2pd daemon, off unless configured
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED
                        && !awaitsRequiredConfig) {
                    bad.add(d.name + " (state " + c.state + ")");
                }
            }
            if (scr.isComponentEnabled(d) && scr.getComponentConfigurationDTOs(d).isEmpty()
                    && !"require".equals(d.configurationPolicy)) {
                bad.add(d.name + " (no configuration)");
            }
        }
        return bad;
    }

    private static void writeBundle(Path jar, String bsn, String version) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, bsn);
        a.putValue(Constants.BUNDLE_VERSION, version);
        // Written beside the watched folder, then moved in, so FileInstall never sees half a jar.
        Path tmp = jar.getParent().getParent().resolve(jar.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jos = new JarOutputStream(out, mf)) {
            jos.flush();
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
