package io.meshwork.libp2p.holepunch.internal.shell;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.holepunch.internal.HolePunchComponent;
import io.meshwork.libp2p.holepunch.internal.HolePunchService;
import io.meshwork.libp2p.holepunch.internal.HolePunching;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo {@code libp2p:reachability}: the verdict, our addresses, how each peer is connected, recent hole punches. */
@Component(service = ReachabilityCommands.class, property = {
    "osgi.command.scope=libp2p",
    "osgi.command.function=reachability"
})
public final class ReachabilityCommands {

    private final Host host;
    private final HolePunchComponent component;

    @Activate
    public ReachabilityCommands(@Reference Host host, @Reference HolePunchComponent component) {
        this.host = host;
        this.component = component;
    }

    public String reachability() {
        return render(host, component.punching());
    }

    static String render(Host host, HolePunching p) {
        StringBuilder sb = new StringBuilder();
        sb.append("Reachability: ").append(p.reachability().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        sb.append("External addresses:").append(list(p.externalAddresses().stream().map(Object::toString).toList()));
        sb.append("Observed addresses:").append(list(p.observedWithConfirmations(host)));
        sb.append("Connections:\n");
        List<Connection> conns = host.connections();
        if (conns.isEmpty()) {
            sb.append("  none\n");
        }
        for (Connection c : conns) {
            sb.append(String.format("  %-54s %-8s %-8s %s%n", c.remotePeer(), c.isLimited() ? "relayed" : "direct",
                    c.direction(), c.remoteAddress()));
        }
        sb.append("Hole punching: ").append(new java.util.TreeMap<>(p.dcutr.stats())).append('\n');
        for (HolePunchService.Result r : p.dcutr.history()) {
            sb.append(String.format("  %s %s %s attempts=%d %d ms%s%n", r.at(), r.peer(),
                    r.outcome().reversed() ? "direct (connection reversal)" : r.outcome().success() ? "direct"
                            : "failed", r.outcome().attempts(), r.outcome().elapsedMillis(),
                    r.outcome().failure() == null ? "" : " (" + r.outcome().failure() + ")"));
        }
        sb.append("AutoNAT: ").append(new java.util.TreeMap<>(p.autonat.stats()));
        return sb.toString();
    }

    private static String list(List<String> items) {
        if (items.isEmpty()) {
            return " none\n";
        }
        StringBuilder sb = new StringBuilder("\n");
        items.forEach(i -> sb.append("  ").append(i).append('\n'));
        return sb.toString();
    }
}
