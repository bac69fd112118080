package io.meshwork.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the framework's persistent bundle cache with the run bundles embedded in the runtime jar.
 *
 * <p>Embedded bundles are installed with their jar URL as location, so Gogo's {@code update <id>} can re-read
 * them. A bundle that is new is installed and started; one whose content changed (a rebuilt jar) is updated in
 * place; one the jar no longer carries is uninstalled. Everything else, in particular bundles the user installed
 * at runtime and the started/stopped state the user chose, is left to the framework's persistent storage.
 * Not thread-safe; runs once on the launcher thread before the framework is handed over.
 */
final class BundleInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(BundleInstaller.class);
    private static final String STATE_FILE = "meshwork-launcher.properties";

    private final BundleContext context;
    private final Path stateFile;

    BundleInstaller(BundleContext context, Path storageDir) {
        this.context = context;
        this.stateFile = storageDir.resolve(STATE_FILE);
    }

    /** An embedded bundle: where it is found and the digest of its bytes. */
    record Embedded(String location, URL url, String sha256) {
    }

    static Embedded embedded(URL url) {
        try (InputStream in = url.openStream()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream din = new DigestInputStream(in, md)) {
                din.transferTo(OutputStream.nullOutputStream());
            }
            return new Embedded(url.toExternalForm(), url, HexFormat.of().formatHex(md.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedded bundle " + url, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Brings the installed set in line with {@code wanted}.
     *
     * @return the bundles that were installed or updated now and should be started
     */
    List<Bundle> reconcile(List<Embedded> wanted) throws IOException {
        Properties previous = loadState();
        Map<String, Embedded> byLocation = new LinkedHashMap<>();
        wanted.forEach(e -> byLocation.put(e.location(), e));

        boolean needsRefresh = false;
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() != 0 && previous.containsKey(b.getLocation())
                    && !byLocation.containsKey(b.getLocation())) {
                LOG.info("Uninstalling {} {}: the runtime no longer ships it", b.getSymbolicName(), b.getVersion());
                try {
                    b.uninstall();
                    needsRefresh = true;
                } catch (BundleException e) {
                    LOG.warn("Could not uninstall {}: {}", b.getLocation(), e.getMessage(), e);
                }
            }
        }

        List<Bundle> toStart = new ArrayList<>();
        Properties state = new Properties();
        for (Embedded e : wanted) {
            Bundle existing = context.getBundle(e.location());
            try (InputStream in = e.url().openStream()) {
                if (existing == null) {
                    Bundle b = context.installBundle(e.location(), in);
                    LOG.debug("Installed {} {}", b.getSymbolicName(), b.getVersion());
                    toStart.add(b);
                } else if (!e.sha256().equals(previous.getProperty(e.location()))) {
                    existing.update(in);
                    LOG.info("Updated {} to {}", existing.getSymbolicName(), existing.getVersion());
                    needsRefresh = true;
                    toStart.add(existing);
                }
                state.setProperty(e.location(), e.sha256());
            } catch (BundleException ex) {
                LOG.error("Could not install {}: {}", e.location(), ex.getMessage(), ex);
            }
        }
        if (needsRefresh) {
            refresh();
        }
        saveState(state);
        return toStart;
    }

    /** Starts bundles (fragments are attached, not started), logging each failure and going on. */
    static void start(List<Bundle> bundles) {
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null || b.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException | RuntimeException e) {
                LOG.error("Could not start {} {}: {}", b.getSymbolicName(), b.getVersion(), e.getMessage(), e);
            }
        }
    }

    private void refresh() {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(60, TimeUnit.SECONDS)) {
                LOG.warn("Bundle refresh did not finish within 60 s; continuing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Properties loadState() throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(stateFile)) {
            try (InputStream in = Files.newInputStream(stateFile)) {
                p.load(in);
            }
        }
        return p;
    }

    private void saveState(Properties state) throws IOException {
        Files.createDirectories(stateFile.getParent());
        Path tmp = stateFile.resolveSibling(STATE_FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            state.store(out, "Bundles installed by the Meshwork launcher (location = SHA-256)");
        }
        Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
