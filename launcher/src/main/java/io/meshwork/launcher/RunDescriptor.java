package io.meshwork.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What bnd resolved for a runtime: the run bundles (in start order), the extra system packages and
 * capabilities, and the run properties. Read from the {@code launcher.properties} that bnd-export writes
 * into the executable jar, so the {@code .bndrun} file stays the single source of truth.
 */
record RunDescriptor(List<String> bundles, String systemPackages, String systemCapabilities,
                     Map<String, String> runProperties) {

    static final String RESOURCE = "launcher.properties";

    static RunDescriptor load(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        List<String> bundles = new ArrayList<>();
        for (String b : p.getProperty("launch.bundles", "").split(",")) {
            if (!b.isBlank()) {
                bundles.add(b.trim());
            }
        }
        Map<String, String> run = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            // launch.* are bnd launcher settings; everything else comes from -runproperties.
            if (!key.startsWith("launch.")) {
                run.put(key, p.getProperty(key));
            }
        }
        return new RunDescriptor(List.copyOf(bundles), extraPackages(p.getProperty("launch.system.packages", "")),
                p.getProperty("launch.system.capabilities", ""), Map.copyOf(run));
    }

    /**
     * bnd lists the framework's own exports ({@code org.osgi.*}) together with the bndrun's
     * {@code -runsystempackages}; the framework exports the former itself, so only the latter are extra.
     */
    static String extraPackages(String header) {
        List<String> extra = new ArrayList<>();
        for (String clause : splitClauses(header)) {
            String name = clause.split(";", 2)[0].trim();
            if (!name.isEmpty() && !name.startsWith("org.osgi.")) {
                extra.add(clause.trim());
            }
        }
        return String.join(",", extra);
    }

    /** Splits an OSGi header at the commas that are not inside quotes ({@code uses:="a,b"}). */
    static List<String> splitClauses(String header) {
        List<String> clauses = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                clauses.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            clauses.add(current.toString());
        }
        return clauses;
    }
}
