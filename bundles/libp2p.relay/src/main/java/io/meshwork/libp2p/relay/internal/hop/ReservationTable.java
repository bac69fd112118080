package io.meshwork.libp2p.relay.internal.hop;

import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relay's bookkeeping: who holds a reservation until when, and how many circuits run, with every limit of
 * {@link Limits}. A reservation belongs to one connection of the peer (a RESERVE on the same connection refreshes
 * it) and ends when it expires or that connection closes. Pure: time is passed in, nothing is scheduled.
 * Not thread-safe; the hop server guards it with one lock.
 */
public final class ReservationTable {

    /** The limits; counts are maxima, {@code ttl} is the reservation lifetime. */
    public record Limits(int maxReservations, int reservationsPerPeer, int reservationsPerIp, Duration ttl,
                         int maxCircuits, int circuitsPerPeer) {
    }

    /** A live reservation. */
    public record Entry(PeerId peer, String connectionId, String ip, Instant expires) {
    }

    /** Outcome of a request: empty refusal means granted. */
    public record Decision(Optional<String> refusal, Instant expires) {
        static Decision granted(Instant expires) {
            return new Decision(Optional.empty(), expires);
        }

        static Decision refused(String why) {
            return new Decision(Optional.of(why), Instant.EPOCH);
        }

        public boolean isGranted() {
            return refusal.isEmpty();
        }
    }

    private final Limits limits;
    /** Keyed by connection id: one reservation per connection. */
    private final Map<String, Entry> byConnection = new HashMap<>();
    private final Map<PeerId, Integer> circuitsPerPeer = new HashMap<>();
    private int circuits;

    public ReservationTable(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /** RESERVE from {@code peer} on connection {@code connectionId} from {@code ip}. */
    public Decision reserve(PeerId peer, String connectionId, String ip, Instant now) {
        expire(now);
        Instant expires = now.plus(limits.ttl);
        Entry existing = byConnection.get(connectionId);
        if (existing != null && existing.peer.equals(peer)) {
            byConnection.put(connectionId, new Entry(peer, connectionId, ip, expires));
            return Decision.granted(expires);
        }
        if (byConnection.size() >= limits.maxReservations) {
            return Decision.refused("the relay holds its maximum of " + limits.maxReservations + " reservations");
        }
        long ofPeer = byConnection.values().stream().filter(e -> e.peer.equals(peer)).count();
        if (ofPeer >= limits.reservationsPerPeer) {
            return Decision.refused("peer " + peer + " already holds " + ofPeer + " reservations (limit "
                    + limits.reservationsPerPeer + ")");
        }
        long ofIp = byConnection.values().stream().filter(e -> e.ip.equals(ip)).count();
        if (ofIp >= limits.reservationsPerIp) {
            return Decision.refused("address " + ip + " already holds " + ofIp + " reservations (limit "
                    + limits.reservationsPerIp + ")");
        }
        byConnection.put(connectionId, new Entry(peer, connectionId, ip, expires));
        return Decision.granted(expires);
    }

    /** True if {@code peer} holds an unexpired reservation. */
    public boolean hasReservation(PeerId peer, Instant now) {
        return byConnection.values().stream().anyMatch(e -> e.peer.equals(peer) && e.expires.isAfter(now));
    }

    /** The connection ids through which {@code peer} holds unexpired reservations, newest expiry first. */
    public List<String> reservationConnections(PeerId peer, Instant now) {
        return byConnection.values().stream().filter(e -> e.peer.equals(peer) && e.expires.isAfter(now))
                .sorted((x, y) -> y.expires.compareTo(x.expires)).map(Entry::connectionId).toList();
    }

    /** The connection closed: its reservation ends. */
    public void connectionClosed(String connectionId) {
        byConnection.remove(connectionId);
    }

    /** Drops expired reservations; returns how many. */
    public int expire(Instant now) {
        int before = byConnection.size();
        byConnection.values().removeIf(e -> !e.expires.isAfter(now));
        return before - byConnection.size();
    }

    /** Opens a circuit from {@code source} to {@code target} if the limits allow. */
    public Decision openCircuit(PeerId source, PeerId target) {
        if (circuits >= limits.maxCircuits) {
            return Decision.refused("the relay carries its maximum of " + limits.maxCircuits + " circuits");
        }
        for (PeerId p : List.of(source, target)) {
            int n = circuitsPerPeer.getOrDefault(p, 0);
            if (n >= limits.circuitsPerPeer) {
                return Decision.refused("peer " + p + " already has " + n + " circuits (limit "
                        + limits.circuitsPerPeer + ")");
            }
        }
        circuits++;
        circuitsPerPeer.merge(source, 1, Integer::sum);
        circuitsPerPeer.merge(target, 1, Integer::sum);
        return Decision.granted(Instant.EPOCH);
    }

    /** A circuit opened by {@link #openCircuit} ended (or its setup failed). */
    public void closeCircuit(PeerId source, PeerId target) {
        circuits = Math.max(0, circuits - 1);
        for (PeerId p : List.of(source, target)) {
            circuitsPerPeer.computeIfPresent(p, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    public int reservationCount() {
        return byConnection.size();
    }

    public int circuitCount() {
        return circuits;
    }

    /** A snapshot of the live reservations, soonest expiry first. */
    public List<Entry> reservations() {
        List<Entry> out = new ArrayList<>(byConnection.values());
        out.sort((x, y) -> x.expires.compareTo(y.expires));
        return out;
    }
}
