package io.meshwork.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of a Meshwork runtime. Immutable; parsing failures throw {@link UsageException}
 * with a message meant for the user.
 */
record LaunchOptions(Path dataDir, boolean headless, boolean interactive, boolean help, boolean version,
                     Map<String, String> properties, P2pdFlags p2pd, boolean dataGiven) {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar meshwork-<runtime>.jar [options]",
            "  --data DIR         data directory (identity, config, plugins, logs); default ~/.meshwork/<runtime>",
            "  --headless         run the node without a window (desktop runtime)",
            "  --no-shell         do not read commands from standard input (for services and scripts)",
            "  -Dname=value       set a framework property",
            "  --p2pd [FLAGS]     run as a libp2p daemon (p2pd) with go-p2pd's flags; see --p2pd --help",
            "  --version          print the version and exit",
            "  --help             print this help and exit");

    static LaunchOptions parse(List<String> args, Path defaultDataDir) throws UsageException {
        Path data = defaultDataDir;
        boolean headless = false;
        boolean interactive = true;
        boolean help = false;
        boolean version = false;
        Map<String, String> props = new LinkedHashMap<>();
        boolean p2pdMode = false;
        boolean dataGiven = false;
        java.util.List<String> p2pdFlags = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--p2pd")) {
                p2pdMode = true;
            } else if (a.equals("--data")) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("--data needs a directory");
                }
                data = Path.of(args.get(++i));
                dataGiven = true;
            } else if (a.startsWith("--data=")) {
                data = Path.of(a.substring("--data=".length()));
                dataGiven = true;
            } else if (a.equals("--headless")) {
                headless = true;
            } else if (a.equals("--no-shell")) {
                interactive = false;
            } else if (a.equals("--help") || a.equals("-h")) {
                help = true;
            } else if (a.equals("--version")) {
                version = true;
            } else if (a.startsWith("-D") && a.indexOf('=') > 2) {
                int eq = a.indexOf('=');
                props.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (p2pdMode) {
                p2pdFlags.add(a); // go-p2pd's flags (and the values of "-name value"): P2pdFlags knows them
            } else {
                throw new UsageException("unknown option '" + a + "'");
            }
        }
        if (data.toString().isBlank()) {
            throw new UsageException("--data needs a directory");
        }
        P2pdFlags p2pd = p2pdMode ? P2pdFlags.parse(p2pdFlags) : null;
        if (p2pd != null) {
            interactive = false; // a daemon reads no commands from stdin
        }
        return new LaunchOptions(data.toAbsolutePath().normalize(), headless, interactive, help, version,
                Map.copyOf(props), p2pd, dataGiven);
    }

    /** A command-line mistake; the message is printed to the user together with the usage text. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
