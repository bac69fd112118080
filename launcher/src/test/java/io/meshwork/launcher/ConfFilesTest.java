package io.meshwork.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfFilesTest {

    @TempDir
    Path data;

    @Test
    void writesThePluginsWatcherOnceAndNeverOverwritesTheUsersEdits() throws Exception {
        Files.createDirectories(data.resolve("conf"));
        ConfFiles.ensurePluginsWatcher(data);
        Path cfg = data.resolve("conf").resolve(ConfFiles.PLUGINS_WATCHER);
        assertTrue(Files.readString(cfg).contains("felix.fileinstall.dir = ${meshwork.data}/plugins"));
        Files.writeString(cfg, "felix.fileinstall.dir = /elsewhere\n");
        ConfFiles.ensurePluginsWatcher(data);
        assertEquals("felix.fileinstall.dir = /elsewhere\n", Files.readString(cfg));
    }
}
