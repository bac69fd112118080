package io.meshwork.libp2p.core.internal.host;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Instances of DS component property types (annotations) for tests: defaults, with overrides by method name
 * (a copy of the core's test helper).
 */
public final class Configs {

    private Configs() {
    }

    public static <A> A of(Class<A> type, Map<String, Object> overrides) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (overrides.containsKey(m.getName())) {
                return overrides.get(m.getName());
            }
            if (m.getDefaultValue() != null) {
                return m.getDefaultValue();
            }
            return switch (m.getName()) {
                case "annotationType" -> type;
                case "hashCode" -> System.identityHashCode(p);
                case "equals" -> p == args[0];
                case "toString" -> type.getSimpleName() + overrides;
                default -> throw new IllegalStateException("no value for " + m.getName());
            };
        });
        return type.cast(proxy);
    }
}
