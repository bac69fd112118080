package io.meshwork.libp2p.core.internal.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Constants;

/**
 * Services of one kind (transports, security channels, muxers) keyed by their protocol id and ordered by
 * service ranking (highest first, then oldest). Thread-safe; changes are rare, reads are frequent.
 */
final class Ranked<S> {

    record Entry<S>(String protocol, S service, int ranking, long serviceId) {
    }

    private final CopyOnWriteArrayList<Entry<S>> entries = new CopyOnWriteArrayList<>();
    private final String propertyName;

    Ranked(String propertyName) {
        this.propertyName = propertyName;
    }

    void add(S service, Map<String, ?> props) {
        Object protocol = props.get(propertyName);
        Object ranking = props.get(Constants.SERVICE_RANKING);
        Object id = props.get(Constants.SERVICE_ID);
        String name = protocol == null ? service.getClass().getName() : protocol.toString();
        entries.add(new Entry<>(name, service, ranking instanceof Integer r ? r : 0,
                id instanceof Long l ? l : 0L));
        List<Entry<S>> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt((Entry<S> e) -> -e.ranking()).thenComparingLong(Entry::serviceId));
        entries.clear();
        entries.addAll(sorted);
    }

    void remove(S service) {
        entries.removeIf(e -> e.service() == service);
    }

    List<Entry<S>> entries() {
        return List.copyOf(entries);
    }

    List<String> protocols() {
        return entries.stream().map(Entry::protocol).distinct().toList();
    }

    Optional<S> get(String protocol) {
        return entries.stream().filter(e -> e.protocol().equals(protocol)).map(Entry::service).findFirst();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }
}
