package io.meshwork.libp2p.mdns.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands: {@code mdns:peers} (peers found on the LAN) and {@code mdns:status}. Read-only. */
@Component(service = MdnsCommands.class, property = {
    "osgi.command.scope=mdns",
    "osgi.command.function=peers",
    "osgi.command.function=status"
})
public final class MdnsCommands {

    private final MdnsComponent mdns;

    @Activate
    public MdnsCommands(@Reference MdnsComponent mdns) {
        this.mdns = mdns;
    }

    public String peers() {
        Optional<MdnsNode> node = mdns.node();
        if (node.isEmpty()) {
            return "mDNS is off.";
        }
        var peers = node.get().peers();
        StringBuilder sb = new StringBuilder(peers.size() + " peer(s) on the LAN" + System.lineSeparator());
        Instant now = Instant.now();
        for (MdnsDiscovery.Entry e : peers) {
            sb.append(String.format("  %s  %s  expires in %ds%n", e.peer(), e.addresses(),
                    Math.max(0, Duration.between(now, e.expires()).getSeconds())));
        }
        return sb.toString().stripTrailing();
    }

    public String status() {
        Optional<MdnsNode> node = mdns.node();
        if (node.isEmpty()) {
            if (mdns.switchedOff()) {
                return "mDNS is off (framework property " + MdnsComponent.ENABLED_PROPERTY + "=false).";
            }
            return mdns.config().enabled() ? "mDNS is enabled but not running (see the log)." : "mDNS is disabled.";
        }
        MdnsNode n = node.get();
        StringBuilder sb = new StringBuilder();
        sb.append("service ").append(mdns.config().dns_service_name()).append(" as ").append(n.peerName())
                .append(System.lineSeparator());
        sb.append("interfaces ").append(n.interfaces().isEmpty() ? "none" : String.join(", ", n.interfaces()))
                .append(System.lineSeparator());
        List<String> advertised = n.advertised();
        sb.append("advertising ").append(advertised.isEmpty()
                ? "nothing (no LAN listen address: queries are not answered)" : String.join(" ", advertised))
                .append(System.lineSeparator());
        sb.append("dialing discovered peers: ").append(n.dials() ? "on" : "off").append(System.lineSeparator());
        for (Map.Entry<String, Long> e : n.stats().entrySet()) {
            sb.append(String.format("%-20s %d%n", e.getKey(), e.getValue()));
        }
        return sb.toString().stripTrailing();
    }
}
