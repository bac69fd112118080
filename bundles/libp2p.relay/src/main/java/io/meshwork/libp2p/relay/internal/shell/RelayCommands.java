package io.meshwork.libp2p.relay.internal.shell;

import io.meshwork.libp2p.relay.internal.client.RelayClientComponent;
import io.meshwork.libp2p.relay.internal.client.ReservationKeeper;
import io.meshwork.libp2p.relay.internal.hop.HopServer;
import io.meshwork.libp2p.relay.internal.hop.HopServerComponent;
import io.meshwork.libp2p.relay.internal.hop.ReservationTable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands for operators: {@code relay:reservations}, {@code relay:circuits}, {@code relay:limits},
 * {@code relay:stats}. They show the hop server's side where it runs, and this node's own reservations (the
 * client's side) everywhere. Read-only; safe from any thread.
 */
@Component(service = RelayCommands.class, property = {
    "osgi.command.scope=relay",
    "osgi.command.function=reservations",
    "osgi.command.function=circuits",
    "osgi.command.function=limits",
    "osgi.command.function=stats"
})
public final class RelayCommands {

    private final HopServerComponent hop;
    private final RelayClientComponent client;

    @Activate
    public RelayCommands(@Reference HopServerComponent hop, @Reference RelayClientComponent client) {
        this.hop = hop;
        this.client = client;
    }

    /** Reservations held on this relay (hop server), then this node's reservations on its relays. */
    public String reservations() {
        StringBuilder sb = new StringBuilder();
        Optional<HopServer> server = hop.server();
        Instant now = Instant.now();
        if (server.isPresent()) {
            var list = server.get().reservations();
            sb.append("Held here: ").append(list.size()).append(System.lineSeparator());
            for (ReservationTable.Entry e : list) {
                sb.append(String.format("  %s  from %s  expires in %s%n", e.peer(), e.ip(),
                        human(Duration.between(now, e.expires()))));
            }
        } else {
            sb.append("Hop server off (this node relays for nobody).").append(System.lineSeparator());
        }
        var mine = client.client().reservations();
        sb.append("Ours: ").append(mine.isEmpty() ? "no relays configured" : mine.size() + " relay(s)")
                .append(System.lineSeparator());
        for (ReservationKeeper.Status s : mine) {
            sb.append(String.format("  %s  %s%s%s%n", s.address(), s.state(),
                    s.expires() == null ? "" : ", expires in " + human(Duration.between(now, s.expires())),
                    s.lastError().isEmpty() ? "" : ", last error: " + s.lastError()));
        }
        client.client().circuitAddresses().forEach(a -> sb.append("  reachable at ").append(a)
                .append(System.lineSeparator()));
        return sb.toString().stripTrailing();
    }

    /** Circuits this relay carries now. */
    public String circuits() {
        Optional<HopServer> server = hop.server();
        if (server.isEmpty()) {
            return "Hop server off.";
        }
        var list = server.get().circuits();
        StringBuilder sb = new StringBuilder(list.size() + " circuit(s)" + System.lineSeparator());
        Instant now = Instant.now();
        for (HopServer.Circuit c : list) {
            sb.append(String.format("  %s -> %s  up %s  %d / %d bytes%n", c.source(), c.target(),
                    human(Duration.between(c.opened(), now)), c.splice().bytesAtoB(), c.splice().bytesBtoA()));
        }
        return sb.toString().stripTrailing();
    }

    /** The hop server's limits, as configured. */
    public String limits() {
        Optional<HopServer> server = hop.server();
        if (server.isEmpty()) {
            return "Hop server off.";
        }
        ReservationTable.Limits l = server.get().limits();
        return String.format("reservations: %d total, %d per peer, %d per IP, TTL %s%n"
                + "circuits: %d total, %d per peer; each %s", l.maxReservations(), l.reservationsPerPeer(),
                l.reservationsPerIp(), human(l.ttl()), l.maxCircuits(), l.circuitsPerPeer(),
                server.get().circuitLimit());
    }

    /** Counters: reservations granted, circuits opened, bytes relayed, refusals by status. */
    public String stats() {
        Optional<HopServer> server = hop.server();
        if (server.isEmpty()) {
            return "Hop server off.";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : server.get().stats().entrySet()) {
            sb.append(String.format("%-36s %d%n", e.getKey(), e.getValue()));
        }
        return sb.toString().stripTrailing();
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
