package io.meshwork.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * The bundle set of a runtime, as its committed {@code .bndrun} lists it in {@code -runbundles}, mapped to the
 * bundle files the build copied to {@code it.bundles}. Tests therefore boot exactly what the runtime ships.
 */
final class RunBundles {

    private RunBundles() {
    }

    static List<String> symbolicNames(Path bndrun) {
        try {
            String text = Files.readString(bndrun).replace("\\\r\n", "").replace("\\\n", "");
            for (String line : text.split("\n")) {
                if (line.startsWith("-runbundles:")) {
                    List<String> names = new ArrayList<>();
                    for (String clause : splitClauses(line.substring("-runbundles:".length()))) {
                        String bsn = clause.split(";")[0].trim();
                        if (!bsn.isEmpty()) {
                            names.add(bsn);
                        }
                    }
                    return names;
                }
            }
            throw new IllegalStateException(bndrun + " has no -runbundles: run the build once to resolve it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a bnd clause list at commas outside quotes ({@code version='[1.0,1.1)'}). */
    static List<String> splitClauses(String list) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (char c : list.toCharArray()) {
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
            if (c == ',' && quote == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** True for fragment bundles, which are attached to their host rather than started. */
    static boolean isFragment(File jar) {
        try (JarFile jf = new JarFile(jar)) {
            return jf.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pax Exam options installing the run bundles of {@code bndrun}: started, fragments only installed. */
    static java.util.List<org.ops4j.pax.exam.Option> options(Path bndrun, Path bundleDir) {
        java.util.List<org.ops4j.pax.exam.Option> out = new ArrayList<>();
        for (File f : files(bndrun, bundleDir, List.of())) {
            org.ops4j.pax.exam.options.UrlProvisionOption o = org.ops4j.pax.exam.CoreOptions.bundle(f.toURI().toString());
            out.add(isFragment(f) ? o.noStart() : o);
        }
        return out;
    }

    /** Files for the run bundles of {@code bndrun}, skipping those the test framework provides itself. */
    static List<File> files(Path bndrun, Path bundleDir, List<String> skip) {
        Map<String, File> byBsn = new HashMap<>();
        File[] jars = bundleDir.toFile().listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null) {
            throw new IllegalStateException("no bundles in " + bundleDir);
        }
        for (File jar : jars) {
            try (JarFile jf = new JarFile(jar)) {
                String bsn = jf.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    byBsn.put(bsn.split(";")[0].trim(), jar);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<File> files = new ArrayList<>();
        for (String bsn : symbolicNames(bndrun)) {
            if (skip.contains(bsn)) {
                continue;
            }
            File f = byBsn.get(bsn);
            if (f == null) {
                throw new IllegalStateException("run bundle " + bsn + " of " + bndrun + " is not in " + bundleDir);
            }
            files.add(f);
        }
        return files;
    }
}
