package io.meshwork.libp2p.core.internal.shell;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.core.internal.ping.Ping;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands of the libp2p host: {@code libp2p:id|peers|connect|ping|disconnect}. Each waits (bounded) for its
 * result and returns text; failures come back as one readable line, not a stack trace.
 */
@Component(service = Libp2pCommands.class, property = {
    "osgi.command.scope=libp2p",
    "osgi.command.function=id",
    "osgi.command.function=peers",
    "osgi.command.function=connect",
    "osgi.command.function=ping",
    "osgi.command.function=disconnect"
})
public final class Libp2pCommands {

    private static final long TIMEOUT_S = 30;
    private final Host host;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public Libp2pCommands(@Reference Host host) {
        this.host = host;
    }

    /** This node's Peer ID, addresses and protocols. */
    public String id() {
        StringBuilder sb = new StringBuilder("Peer ID: ").append(host.peerId()).append('\n');
        sb.append("Addresses:\n");
        for (Multiaddr a : host.listenAddresses()) {
            sb.append("  ").append(a.withPeerId(host.peerId())).append('\n');
        }
        sb.append("Protocols: ").append(String.join(", ", host.protocols().stream().sorted().toList()));
        return sb.toString();
    }

    /** Connected peers, one line per connection. */
    public String peers() {
        List<Connection> conns = host.connections();
        if (conns.isEmpty()) {
            return "No connections.";
        }
        StringBuilder sb = new StringBuilder();
        for (Connection c : conns) {
            sb.append(String.format("%-54s %-8s %-8s %s %s %s streams=%d%n", c.remotePeer(), c.direction(),
                    c.isLimited() ? "relayed" : "direct", c.remoteAddress(), c.security(), c.muxer(),
                    c.streams().size()));
        }
        return sb.toString().stripTrailing();
    }

    /** Connects to a full multiaddr ending in /p2p/<peer-id>. */
    public String connect(String multiaddr) {
        try {
            Connection c = host.connect(Multiaddr.parse(multiaddr)).toCompletableFuture()
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            return "Connected to " + c.remotePeer() + " via " + c.remoteAddress();
        } catch (IllegalArgumentException e) {
            return "Not a multiaddr: " + e.getMessage();
        } catch (ExecutionException | TimeoutException e) {
            return "Connect failed: " + reason(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    public String ping(String peer) {
        return ping(peer, 1);
    }

    /** Pings a connected (or known) peer n times on one stream and prints each round-trip time. */
    public String ping(String peer, int n) {
        StringBuilder sb = new StringBuilder();
        try {
            PeerId id = PeerId.parse(peer);
            Ping ping = new Ping(host.newStream(id, List.of(Ping.PROTOCOL)).toCompletableFuture()
                    .get(TIMEOUT_S, TimeUnit.SECONDS), random);
            try {
                for (int i = 1; i <= Math.max(1, n); i++) {
                    Duration rtt = ping.ping().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
                    sb.append(String.format("ping %d: %.3f ms%n", i, rtt.toNanos() / 1e6));
                }
            } finally {
                ping.close();
            }
            return sb.toString().stripTrailing();
        } catch (IllegalArgumentException e) {
            return "Not a Peer ID: " + e.getMessage();
        } catch (ExecutionException | TimeoutException e) {
            return sb + "Ping failed: " + reason(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    public String disconnect(String peer) {
        try {
            PeerId id = PeerId.parse(peer);
            int n = host.connections(id).size();
            host.disconnect(id).toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
            return "Closed " + n + " connection(s) to " + id;
        } catch (IllegalArgumentException e) {
            return "Not a Peer ID: " + e.getMessage();
        } catch (ExecutionException | TimeoutException e) {
            return "Disconnect failed: " + reason(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    private static String reason(Exception e) {
        if (e instanceof TimeoutException) {
            return "no answer within " + TIMEOUT_S + " s";
        }
        Throwable t = e.getCause() == null ? e : e.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
