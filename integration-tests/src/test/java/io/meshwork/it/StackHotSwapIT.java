package io.meshwork.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
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

/**
 * Hot swap of the connection stack in a running framework (the relay bundle set): stopping the Noise, Yamux or
 * TCP bundle closes the connections that depend on it and makes new dials fail with a message naming what is
 * missing; starting it again makes dialing work again. The remote peer is a relay runtime jar in its own process.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StackHotSwapIT {

    private static RemoteNode remote;
    private static String remoteAddress;

    @Inject
    private BundleContext context;

    @Inject
    private Host host;

    /** Runs in the test driver (not inside the framework): starts the remote peer once, shares its address. */
    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("it.work"));
        Files.createDirectories(work);
        if (remote == null) {
            remote = RemoteNode.start(Path.of(ProcessHandle.current().info().command().orElseThrow()),
                    Path.of(System.getProperty("it.relay.jar")), Files.createTempDirectory(work, "remote-"),
                    List.of());
            remoteAddress = remote.awaitListenAddress(60);
        }
        Path data = Files.createTempDirectory(work, "swap-pax-");
        Files.writeString(data.resolve("remote.addr"), remoteAddress);
        // metrics off here (an operator file stops the relay defaults): the fixed port 9464 is not ours to take
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("conf").resolve("io.meshwork.metrics.cfg"), "enabled = false\n");
        List<Option> opts = new ArrayList<>();
        opts.addAll(RunBundles.options(Path.of(System.getProperty("it.relay.bndrun")),
                Path.of(System.getProperty("it.bundles"))));
        opts.add(junitBundles());
        opts.add(cleanCaches());
        opts.add(frameworkProperty("meshwork.data").value(data.toString()));
        opts.add(frameworkProperty("gosh.args").value("--nointeractive"));
        opts.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        return options(opts.toArray(new Option[0]));
    }

    @AfterClass
    public static void stopRemote() {
        if (remote != null) {
            remote.close();
        }
    }

    private Multiaddr remote() throws IOException {
        return Multiaddr.parse(Files.readString(Path.of(context.getProperty("meshwork.data"), "remote.addr")).trim());
    }

    @Test
    public void stoppingNoiseClosesSecuredConnectionsAndDialsFailClearlyUntilItIsBack() throws Exception {
        swap("libp2p.security.noise", "no security protocol");
    }

    @Test
    public void stoppingYamuxClosesSessionsAndDialsFailClearlyUntilItIsBack() throws Exception {
        swap("libp2p.muxer.yamux", "no stream muxer");
    }

    @Test
    public void stoppingTcpClosesConnectionsAndDialsFailClearlyUntilItIsBack() throws Exception {
        swap("libp2p.transport.tcp", "no transport can dial");
    }

    private void swap(String bsn, String expectedError) throws Exception {
        Connection before = connect();
        assertTrue(before.isOpen());
        Bundle b = installed(bsn);
        b.stop();
        waitFor(bsn + " stopped: the existing connection closes", () -> !before.isOpen());
        try {
            connect();
            fail("dial succeeded without " + bsn);
        } catch (ExecutionException e) {
            assertTrue("error names what is missing: " + e.getCause().getMessage(),
                    e.getCause().getMessage().contains(expectedError));
        }
        b.start();
        Connection after = connectEventually();
        assertTrue(after.isOpen());
        assertEquals(before.remotePeer(), after.remotePeer());
        after.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Connection connect() throws Exception {
        return host.connect(remote()).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private Connection connectEventually() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                return connect();
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("could not connect again after restarting the bundle", last);
    }

    private Bundle installed(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
        assertNotNull(what);
    }
}
