package io.meshwork.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {

    private static final Path DEFAULT = Path.of("/home/u/.meshwork/relay");

    @Test
    void defaultsToTheRuntimeDataDirectoryWithAnInteractiveShell() throws Exception {
        LaunchOptions o = LaunchOptions.parse(List.of(), DEFAULT);
        assertEquals(DEFAULT, o.dataDir());
        assertTrue(o.interactive());
        assertFalse(o.headless());
    }

    @Test
    void acceptsDataInBothForms() throws Exception {
        assertEquals(Path.of("/tmp/a"), LaunchOptions.parse(List.of("--data", "/tmp/a"), DEFAULT).dataDir());
        assertEquals(Path.of("/tmp/b"), LaunchOptions.parse(List.of("--data=/tmp/b"), DEFAULT).dataDir());
    }

    @Test
    void makesARelativeDataDirectoryAbsolute() throws Exception {
        assertTrue(LaunchOptions.parse(List.of("--data", "rel/dir"), DEFAULT).dataDir().isAbsolute());
    }

    @Test
    void readsFlagsAndFrameworkProperties() throws Exception {
        LaunchOptions o = LaunchOptions.parse(List.of("--headless", "--no-shell", "-Dmeshwork.log.level=DEBUG"),
                DEFAULT);
        assertTrue(o.headless());
        assertFalse(o.interactive());
        assertEquals("DEBUG", o.properties().get("meshwork.log.level"));
    }

    @Test
    void launcherOptionsMixWithP2pdFlagsInAnyOrder() throws Exception {
        LaunchOptions o = LaunchOptions.parse(List.of("--p2pd", "-listen", "/ip4/127.0.0.1/tcp/5000", "--headless",
                "-dht", "--data", "/tmp/p"), DEFAULT);
        assertTrue(o.headless());
        assertEquals(Path.of("/tmp/p"), o.dataDir());
        assertEquals("/ip4/127.0.0.1/tcp/5000", o.p2pd().listen());
        assertFalse(o.interactive(), "a daemon reads no commands");
    }

    @Test
    void rejectsUnknownOptionsAndAMissingDirectoryWithAMessage() {
        LaunchOptions.UsageException e = assertThrows(LaunchOptions.UsageException.class,
                () -> LaunchOptions.parse(List.of("--frobnicate"), DEFAULT));
        assertTrue(e.getMessage().contains("--frobnicate"));
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--data"), DEFAULT));
        assertThrows(LaunchOptions.UsageException.class, () -> LaunchOptions.parse(List.of("--data="), DEFAULT));
    }
}
