package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.host.StreamHandler;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link StreamHandler} whiteboard: protocol id → handler, from the services' {@value StreamHandler#PROTOCOL}
 * property. The newest registration of a protocol wins; removing it falls back to an older one. Thread-safe.
 */
final class HandlerRegistry {

    record Registration(StreamHandler handler, Set<String> protocols, boolean allowLimited) {
    }

    private final Map<StreamHandler, Registration> registrations = new ConcurrentHashMap<>();
    private final Map<String, Registration> byProtocol = new ConcurrentHashMap<>();

    void add(StreamHandler handler, Map<String, ?> props) {
        Set<String> protocols = protocols(props.get(StreamHandler.PROTOCOL));
        boolean allowLimited = Boolean.parseBoolean(String.valueOf(props.get(StreamHandler.ALLOW_LIMITED)));
        Registration r = new Registration(handler, protocols, allowLimited);
        registrations.put(handler, r);
        protocols.forEach(p -> byProtocol.put(p, r));
    }

    void remove(StreamHandler handler) {
        Registration r = registrations.remove(handler);
        if (r == null) {
            return;
        }
        for (String p : r.protocols()) {
            byProtocol.remove(p, r);
            registrations.values().stream().filter(o -> o.protocols().contains(p)).findFirst()
                    .ifPresent(o -> byProtocol.putIfAbsent(p, o));
        }
    }

    Optional<Registration> get(String protocol) {
        return Optional.ofNullable(byProtocol.get(protocol));
    }

    boolean supports(String protocol) {
        return byProtocol.containsKey(protocol);
    }

    Set<String> protocols() {
        return Set.copyOf(byProtocol.keySet());
    }

    private static Set<String> protocols(Object value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o)));
        }
        out.removeIf(String::isBlank);
        return Set.copyOf(out);
    }
}
