package io.meshwork.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Default files the launcher places in the data directory when they are missing. */
final class ConfFiles {

    static final String PLUGINS_WATCHER = "org.apache.felix.fileinstall-plugins.cfg";

    private ConfFiles() {
    }

    /**
     * Writes the FileInstall configuration that watches {@code <data>/plugins} unless the user already has one.
     * The directory is given as {@code ${meshwork.data}/plugins}, so the file stays right when the data
     * directory moves.
     */
    static void ensurePluginsWatcher(Path data) throws IOException {
        Path cfg = data.resolve("conf").resolve(PLUGINS_WATCHER);
        if (Files.exists(cfg)) {
            return;
        }
        String text = String.join("\n",
                "# Watches <data>/plugins: drop a bundle jar in to install and start it, overwrite it to update it,",
                "# delete it to uninstall it. Written by the Meshwork launcher; edit freely.",
                "felix.fileinstall.dir = ${meshwork.data}/plugins",
                "felix.fileinstall.poll = 1000",
                "felix.fileinstall.noInitialDelay = true",
                "felix.fileinstall.bundles.new.start = true",
                "felix.fileinstall.bundles.startTransient = false",
                "felix.fileinstall.filter = .*\\\\.jar",
                "felix.fileinstall.enableConfigSave = false",
                "");
        Path tmp = cfg.resolveSibling(PLUGINS_WATCHER + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, cfg, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
