package io.meshwork.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Identity of the runtime this jar is: read from {@code meshwork-runtime.properties}, which each runtime
 * module writes into its jar.
 */
record RuntimeInfo(String name, String version, boolean needsDisplay) {

    static final String RESOURCE = "/meshwork-runtime.properties";

    static RuntimeInfo load() throws IOException {
        Properties p = new Properties();
        try (InputStream in = RuntimeInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing: this launcher must run from a runtime jar");
            }
            p.load(in);
        }
        return new RuntimeInfo(p.getProperty("runtime", "node"), p.getProperty("version", "unknown"),
                Boolean.parseBoolean(p.getProperty("needs.display", "false")));
    }
}
