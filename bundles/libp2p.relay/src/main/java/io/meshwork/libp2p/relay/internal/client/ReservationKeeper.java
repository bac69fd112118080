package io.meshwork.libp2p.relay.internal.client;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one reservation on each configured relay. Per relay: WAITING (until {@code next}) → RESERVING (an attempt
 * runs) → RESERVED (until the refresh time, three quarters of the remaining lifetime) → RESERVING again. A failed
 * attempt waits with exponential backoff ({@code initialBackoff} doubling up to {@code maxBackoff}; a refusal by the
 * relay waits {@code refusedBackoff}), each wait scaled by a random factor in [0.5, 1) so that the users of a
 * restarted relay do not all come back at once. Losing the connection to a relay drops its reservation and retries
 * after a jittered {@code initialBackoff}: with the defaults (1 s, capped at 4 s) a relay that comes back is
 * reserved on again within about 4 s.
 *
 * <p>Pure: time is passed in and nothing is scheduled; the caller asks {@link #nextWake()} and calls
 * {@link #due(Instant)}. Not thread-safe: the client drives it from one thread.
 */
public final class ReservationKeeper {

    public enum State { WAITING, RESERVING, RESERVED }

    /** Backoff settings. */
    public record Settings(Duration initialBackoff, Duration maxBackoff, Duration refusedBackoff) {
    }

    /** What the keeper knows about one relay; a snapshot for the shell. */
    public record Status(Multiaddr address, PeerId relay, State state, @Nullable Instant expires,
                         List<Multiaddr> addrs, int failures, String lastError, Instant next) {
    }

    private static final class Slot {
        final Multiaddr address;
        final PeerId relay;
        State state = State.WAITING;
        Instant next;
        int failures;
        @Nullable Instant expires;
        List<Multiaddr> addrs = List.of();
        String lastError = "";

        Slot(Multiaddr address, PeerId relay, Instant next) {
            this.address = address;
            this.relay = relay;
            this.next = next;
        }
    }

    private final Settings settings;
    private final Random random;
    private final Map<PeerId, Slot> slots = new LinkedHashMap<>();

    /** @param relays relay addresses, each ending in {@code /p2p/<relay>} */
    public ReservationKeeper(List<Multiaddr> relays, Settings settings, Random random, Instant now) {
        this.settings = settings;
        this.random = random;
        for (Multiaddr a : relays) {
            PeerId relay = a.peerId().orElseThrow(() -> new IllegalArgumentException("relay address " + a
                    + " must end in /p2p/<relay-peer-id>"));
            slots.putIfAbsent(relay, new Slot(a, relay, now));
        }
    }

    public boolean isRelay(PeerId peer) {
        return slots.containsKey(peer);
    }

    /** The relays to reserve on now (they become RESERVING). */
    public List<Multiaddr> due(Instant now) {
        List<Multiaddr> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            if (s.state != State.RESERVING && !s.next.isAfter(now)) {
                s.state = State.RESERVING;
                out.add(s.address);
            }
        }
        return out;
    }

    /** When {@link #due} next has something to do, if ever. */
    public Optional<Instant> nextWake() {
        return slots.values().stream().filter(s -> s.state != State.RESERVING).map(s -> s.next)
                .min(Instant::compareTo);
    }

    /** An attempt succeeded: the relay holds our reservation until {@code expires}. */
    public void reserved(PeerId relay, Instant now, Instant expires, List<Multiaddr> addrs) {
        Slot s = slots.get(relay);
        if (s == null) {
            return;
        }
        s.state = State.RESERVED;
        s.failures = 0;
        s.expires = expires;
        s.addrs = List.copyOf(addrs);
        s.lastError = "";
        long remaining = Math.max(0, Duration.between(now, expires).toMillis());
        s.next = now.plusMillis(Math.max(1000, remaining * 3 / 4));
    }

    /** An attempt failed; {@code refused} if the relay answered with a refusal (rather than being unreachable). */
    public void failed(PeerId relay, Instant now, String error, boolean refused) {
        Slot s = slots.get(relay);
        if (s == null) {
            return;
        }
        s.failures++;
        s.lastError = error;
        s.state = s.expires != null && s.expires.isAfter(now) ? State.RESERVED : State.WAITING;
        Duration wait = refused ? settings.refusedBackoff : backoff(s.failures);
        s.next = now.plus(jitter(wait));
    }

    /** The last connection to {@code relay} closed: the reservation is gone; come back soon. */
    public void disconnected(PeerId relay, Instant now) {
        Slot s = slots.get(relay);
        if (s == null) {
            return;
        }
        s.expires = null;
        s.addrs = List.of();
        if (s.state != State.RESERVING) {
            s.state = State.WAITING;
            s.failures = 0;
            s.next = now.plus(jitter(settings.initialBackoff));
        }
    }

    /** The circuit addresses of live reservations: {@code <relay addr>/p2p/<relay>/p2p-circuit}. */
    public List<Multiaddr> circuitAddresses(Instant now) {
        List<Multiaddr> out = new ArrayList<>();
        Multiaddr circuit = Multiaddr.parse("/p2p-circuit");
        for (Slot s : slots.values()) {
            if (s.expires == null || !s.expires.isAfter(now)) {
                continue;
            }
            List<Multiaddr> base = s.addrs.isEmpty() ? List.of(s.address) : s.addrs;
            for (Multiaddr a : base) {
                Multiaddr m = a.withoutPeerId().withPeerId(s.relay).encapsulate(circuit);
                if (!out.contains(m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    public List<Status> status() {
        return slots.values().stream().map(s -> new Status(s.address, s.relay, s.state, s.expires, s.addrs,
                s.failures, s.lastError, s.next)).toList();
    }

    private Duration backoff(int failures) {
        long ms = settings.initialBackoff.toMillis() << Math.min(20, Math.max(0, failures - 1));
        return Duration.ofMillis(Math.min(ms, settings.maxBackoff.toMillis()));
    }

    private Duration jitter(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * (0.5 + random.nextDouble() * 0.5)));
    }
}
