package io.meshwork.it.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the js interop tests need from the machine: the interop-js folder, its npm packages, node itself. */
public final class InteropEnvironment {

    private InteropEnvironment() {
    }

    /** {@code it.interop.dir}, else {@code interop-js} under the module directory (failsafe's working directory). */
    public static Path interopDir() {
        String configured = System.getProperty("it.interop.dir");
        List<Path> candidates = configured != null && !configured.isBlank() ? List.of(Path.of(configured))
                : List.of(Path.of("interop-js"), Path.of("integration-tests", "interop-js"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("node-peer.mjs"))) {
                return p.toAbsolutePath();
            }
        }
        throw new AssertionError("interop-js folder not found (tried " + candidates + " from "
                + Path.of("").toAbsolutePath() + "); set -Dit.interop.dir");
    }

    /** Runs {@code npm ci} when node_modules is missing or older than package-lock.json. */
    public static void installDependencies(Path dir) throws Exception {
        Path installed = dir.resolve("node_modules").resolve(".package-lock.json");
        Path lock = dir.resolve("package-lock.json");
        if (Files.isRegularFile(installed)
                && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
            return;
        }
        System.out.println("[interop] npm ci in " + dir);
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                .redirectErrorStream(true).start();
        CompletableFuture<String> output = readAll(p.getInputStream());
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("npm ci did not finish within 5 minutes in " + dir + ":\n" + output.getNow(""));
        }
        if (p.exitValue() != 0) {
            fail("npm ci failed (exit " + p.exitValue() + ") in " + dir + ":\n" + output.get(10, TimeUnit.SECONDS));
        }
    }

    public static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            readAll(p.getInputStream());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static CompletableFuture<String> readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
    }
}
