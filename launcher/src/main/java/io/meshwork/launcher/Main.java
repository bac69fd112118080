package io.meshwork.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.felix.framework.Felix;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of both runtime jars. Boots Apache Felix through its framework API from the bundles bnd
 * resolved for the runtime, so it runs on any JDK from 17 on (it needs no security manager and sets no
 * {@code Policy}). See {@code docs/launcher.md}.
 */
public final class Main {

    /** Exit code when the command line is wrong. */
    static final int EXIT_USAGE = 64;
    /** Exit code when the node cannot start (no display, data dir in use, broken jar). */
    static final int EXIT_CANNOT_START = 2;

    /** A temporary data directory (p2pd mode without --data) to delete once the framework has stopped. */
    private Path deleteAfterStop;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        RuntimeInfo info;
        try {
            info = RuntimeInfo.load();
        } catch (IOException e) {
            err.println("meshwork: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        LaunchOptions opts;
        try {
            opts = LaunchOptions.parse(args, defaultDataDir(info.name()));
        } catch (LaunchOptions.UsageException e) {
            err.println("meshwork " + info.name() + ": " + e.getMessage());
            err.println(LaunchOptions.USAGE);
            return EXIT_USAGE;
        }
        if (opts.help()) {
            out.println(LaunchOptions.USAGE);
            if (opts.p2pd() != null) {
                out.println(P2pdFlags.USAGE);
            }
            return 0;
        }
        if (opts.version()) {
            out.println("Meshwork " + info.name() + " " + info.version());
            return 0;
        }
        if (info.needsDisplay() && !opts.headless() && !hasDisplay()) {
            err.println("meshwork " + info.name() + ": no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).");
            err.println("  Start the node without its window:  ./meshwork " + info.name() + " --headless");
            err.println("  or run it under a display server, e.g.  xvfb-run ./meshwork " + info.name());
            return EXIT_CANNOT_START;
        }
        Path temporaryData = null;
        try {
            if (opts.p2pd() != null) {
                if (!opts.dataGiven()) {
                    temporaryData = Files.createTempDirectory("meshwork-p2pd-");
                    opts = new LaunchOptions(temporaryData, opts.headless(), opts.interactive(), opts.help(),
                            opts.version(), opts.properties(), opts.p2pd(), true);
                }
                Files.createDirectories(opts.dataDir());
                opts.p2pd().apply(opts.dataDir());
            }
            Main main = new Main();
            main.deleteAfterStop = temporaryData;
            return main.launch(info, opts, err);
        } catch (LaunchOptions.UsageException e) {
            err.println("meshwork " + info.name() + " --p2pd: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException | UncheckedIOException e) {
            err.println("meshwork " + info.name() + ": " + e.getMessage());
            return EXIT_CANNOT_START;
        } finally {
            if (temporaryData != null) {
                deleteTree(temporaryData);
            }
        }
    }

    /** Deletes a directory tree, best effort (a temporary p2pd data directory). */
    static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    static Path defaultDataDir(String runtime) {
        return Path.of(System.getProperty("user.home"), ".meshwork", runtime);
    }

    static boolean hasDisplay() {
        return notBlank(System.getenv("DISPLAY")) || notBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private int launch(RuntimeInfo info, LaunchOptions opts, PrintStream err) throws IOException {
        Path data = opts.dataDir();
        for (String dir : List.of("plugins", "conf", "logs", "cache")) {
            Files.createDirectories(data.resolve(dir));
        }
        try (FileChannel lockChannel = FileChannel.open(data.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                err.println("meshwork " + info.name() + ": another Meshwork node is already using " + data);
                err.println("  Each node needs its own data directory: pass --data DIR.");
                return EXIT_CANNOT_START;
            }
            Logging.configure(data, info.name(), opts.properties().getOrDefault("meshwork.log.level",
                    System.getProperty("meshwork.log.level", opts.p2pd() != null ? "WARN" : "INFO")));
            try {
                return boot(info, opts);
            } finally {
                Logging.shutdown();
            }
        }
    }

    private int boot(RuntimeInfo info, LaunchOptions opts) throws IOException {
        Logger log = LoggerFactory.getLogger(Main.class);
        Path data = opts.dataDir();
        log.info("Meshwork {} {} on Java {} ({}), data directory {}", info.name(), info.version(),
                Runtime.version(), System.getProperty("java.vm.vendor"), data);

        RunDescriptor run;
        try (InputStream in = Main.class.getClassLoader().getResourceAsStream(RunDescriptor.RESOURCE)) {
            if (in == null) {
                throw new IOException(RunDescriptor.RESOURCE + " is missing from the runtime jar; rebuild it");
            }
            run = RunDescriptor.load(in);
        }
        ConfFiles.ensurePluginsWatcher(data);

        Map<String, Object> config = new HashMap<>(run.runProperties());
        Path storage = data.resolve("cache").resolve("felix");
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, "none");
        if (!run.systemPackages().isBlank()) {
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, run.systemPackages());
        }
        if (!run.systemCapabilities().isBlank()) {
            config.put(Constants.FRAMEWORK_SYSTEMCAPABILITIES_EXTRA, run.systemCapabilities());
        }
        config.put("meshwork.runtime", info.name());
        config.put("meshwork.version", info.version());
        config.put("meshwork.data", data.toString());
        config.put("meshwork.headless", Boolean.toString(opts.headless() || !info.needsDisplay()));
        // FileInstall: <data>/conf holds configurations; conf/org.apache.felix.fileinstall-plugins.cfg adds
        // a second watcher for <data>/plugins.
        config.put("felix.fileinstall.dir", data.resolve("conf").toString());
        config.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
        config.put("felix.fileinstall.poll", "1000");
        config.put("felix.fileinstall.noInitialDelay", "true");
        config.put("felix.fileinstall.log.level", "3"); // info: users see what plugins/ installs
        // FileInstall would write configuration changes back into the .cfg files (and blanked ours in tests);
        // the files are the user's: they are read, never rewritten.
        config.put("felix.fileinstall.enableConfigSave", "false");
        config.put("gosh.args", opts.interactive() ? "" : "--nointeractive");
        config.put("felix.log.logger", new FrameworkLog());
        config.putAll(opts.properties());

        Felix felix = new Felix(config);
        try {
            felix.init();
            List<BundleInstaller.Embedded> embedded = new ArrayList<>();
            for (String path : run.bundles()) {
                URL url = Main.class.getClassLoader().getResource(path);
                if (url == null) {
                    throw new IOException("run bundle " + path + " is missing from the runtime jar; rebuild it");
                }
                embedded.add(BundleInstaller.embedded(url));
            }
            List<org.osgi.framework.Bundle> fresh = new BundleInstaller(felix.getBundleContext(), storage)
                    .reconcile(embedded);
            felix.start();
            BundleInstaller.start(fresh);
        } catch (BundleException e) {
            log.error("The OSGi framework could not start: {}", e.getMessage(), e);
            stopQuietly(felix, log);
            return EXIT_CANNOT_START;
        }
        Thread hook = new Thread(() -> {
            stopQuietly(felix, log);
            if (deleteAfterStop != null) {
                deleteTree(deleteAfterStop);
            }
        }, "meshwork-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            FrameworkEvent event = felix.waitForStop(0);
            log.info("Meshwork {} stopped", info.name());
            return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running and stops the framework itself
            }
        }
    }

    private static void stopQuietly(Felix felix, Logger log) {
        try {
            felix.stop();
            felix.waitForStop(TimeUnit.SECONDS.toMillis(30));
        } catch (BundleException | InterruptedException e) {
            log.warn("Framework did not stop cleanly: {}", e.getMessage(), e);
        }
    }
}
