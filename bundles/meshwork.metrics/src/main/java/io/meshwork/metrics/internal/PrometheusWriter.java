package io.meshwork.metrics.internal;

import io.meshwork.libp2p.api.metrics.MetricsWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Collects samples and renders them in the Prometheus text exposition format 0.0.4: one {@code # HELP} and
 * {@code # TYPE} line per metric name, then its samples. Not thread-safe: one instance per scrape.
 */
final class PrometheusWriter implements MetricsWriter {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private record Family(String type, String help, List<String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    @Override
    public MetricsWriter counter(String name, String help, double value, String... labels) {
        return add("counter", name, help, value, labels);
    }

    @Override
    public MetricsWriter gauge(String name, String help, double value, String... labels) {
        return add("gauge", name, help, value, labels);
    }

    private MetricsWriter add(String type, String name, String help, double value, String... labels) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "'");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException(name + ": labels must come as name/value pairs");
        }
        Family family = families.computeIfAbsent(name, n -> new Family(type, help, new ArrayList<>()));
        if (!family.type.equals(type)) {
            throw new IllegalArgumentException(name + " is a " + family.type + ", not a " + type);
        }
        StringBuilder sb = new StringBuilder(name);
        if (labels.length > 0) {
            sb.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL.matcher(labels[i]).matches()) {
                    throw new IllegalArgumentException(name + ": invalid label name '" + labels[i] + "'");
                }
                sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1]))
                        .append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(format(value));
        family.samples.add(sb.toString());
        return this;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        families.forEach((name, f) -> {
            sb.append("# HELP ").append(name).append(' ')
                    .append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            sb.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
            f.samples.forEach(s -> sb.append(s).append('\n'));
        });
        return sb.toString();
    }
}
