package io.meshwork.relay.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's defaults for components whose general defaults suit a desktop node: the libp2p host listens on the
 * well-known port 4001 (IPv4 and IPv6) instead of an ephemeral port, the circuit relay hop server is on, so is the
 * AutoNAT server (dial-backs for peers that want to learn their reachability), so is the metrics endpoint (loopback
 * port 9464), the DHT runs in server mode (the relay is the nodes' bootstrap node), and Yamux keeps per-stream
 * and per-connection buffers small (a relay buffers for thousands of relayed streams, a desktop node for a few).
 * Each default applies only when the operator has not configured that component (a {@code <data>/conf/<pid>.cfg}
 * always wins).
 */
@Component(immediate = true)
public final class RelayDefaults {

    static final String HOST_PID = "io.meshwork.libp2p.core";
    static final String HOP_PID = "io.meshwork.libp2p.relay.hop";
    static final String METRICS_PID = "io.meshwork.metrics";
    static final String HOLEPUNCH_PID = "io.meshwork.libp2p.holepunch";
    static final String KAD_PID = "io.meshwork.libp2p.kad";
    static final String YAMUX_PID = "io.meshwork.libp2p.muxer.yamux";
    /**
     * Receive windows stay at the specification's initial 256 KiB instead of growing toward 16 MiB: a relayed
     * stream whose other side is slower holds at most that much here, so 1,000 circuits (2,000 streams) cannot take
     * more than 500 MiB in receive buffers however their windows were tuned before.
     */
    static final int MAX_WINDOW = 256 * 1024;
    /** Bytes queued for one connection's socket before its streams wait (the desktop default is 2 MiB). */
    static final int TRANSPORT_HIGH_WATER = 256 * 1024;
    /**
     * Bytes all connections together may hold in Yamux receive buffers before the connections holding such data
     * stop reading their sockets (their senders then wait in TCP): 64 MiB leaves room in a 512 MiB heap for
     * 10,000 reservations (about 150 MiB), the splice and send queues of 1,000 busy circuits and garbage.
     */
    static final long MAX_BUFFERED_TOTAL = 64L * 1024 * 1024;
    static final String[] LISTEN = {"/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001"};
    static final int MAX_CONNECTIONS = 12_000;
    static final int LOW_WATERMARK = 11_000;

    private static final Logger LOG = LoggerFactory.getLogger(RelayDefaults.class);

    @Activate
    public RelayDefaults(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        String data = context.getProperty("meshwork.data");
        Dictionary<String, Object> host = new Hashtable<>();
        host.put("listen.addresses", LISTEN.clone()); // DS maps listen_addresses() to listen.addresses
        // every reservation holds an (idle) connection: room for 10,000 of them, and no pruning below that
        host.put("max.connections", MAX_CONNECTIONS);
        host.put("low.watermark", LOW_WATERMARK);
        if (apply(configAdmin, data, HOST_PID, host)) {
            LOG.info("Relay defaults: listening on {}, up to {} connections (override in conf/{}.cfg)",
                    String.join(" and ", LISTEN), MAX_CONNECTIONS, HOST_PID);
        }
        Dictionary<String, Object> hop = new Hashtable<>();
        hop.put("enabled", Boolean.TRUE);
        if (apply(configAdmin, data, HOP_PID, hop)) {
            LOG.info("Relay defaults: circuit relay hop server on (override in conf/{}.cfg)", HOP_PID);
        }
        Dictionary<String, Object> holepunch = new Hashtable<>();
        holepunch.put("autonat.server.enabled", Boolean.TRUE);
        if (apply(configAdmin, data, HOLEPUNCH_PID, holepunch)) {
            LOG.info("Relay defaults: AutoNAT server on (override in conf/{}.cfg)", HOLEPUNCH_PID);
        }
        Dictionary<String, Object> kad = new Hashtable<>();
        kad.put("mode", "server");
        if (apply(configAdmin, data, KAD_PID, kad)) {
            LOG.info("Relay defaults: DHT in server mode (override in conf/{}.cfg)", KAD_PID);
        }
        Dictionary<String, Object> yamux = new Hashtable<>();
        yamux.put("max.window", MAX_WINDOW);
        yamux.put("transport.high.water", TRANSPORT_HIGH_WATER);
        yamux.put("max.buffered.total", MAX_BUFFERED_TOTAL);
        if (apply(configAdmin, data, YAMUX_PID, yamux)) {
            LOG.info("Relay defaults: Yamux windows up to {} KiB per stream, {} KiB queued per connection, {} MiB"
                    + " buffered inbound in all (override in conf/{}.cfg)", MAX_WINDOW / 1024,
                    TRANSPORT_HIGH_WATER / 1024, MAX_BUFFERED_TOTAL >> 20, YAMUX_PID);
        }
        Dictionary<String, Object> metrics = new Hashtable<>();
        metrics.put("enabled", Boolean.TRUE);
        if (apply(configAdmin, data, METRICS_PID, metrics)) {
            LOG.info("Relay defaults: metrics endpoint on 127.0.0.1:9464 (override in conf/{}.cfg)", METRICS_PID);
        }
    }

    /** Sets {@code props} as the configuration of {@code pid} unless the operator configured it; true if set. */
    private static boolean apply(ConfigurationAdmin configAdmin, String data, String pid,
                                 Dictionary<String, Object> props) {
        if (data != null && (Files.exists(Path.of(data, "conf", pid + ".cfg"))
                || Files.exists(Path.of(data, "conf", pid + ".config")))) {
            return false; // the operator's file (applied by FileInstall) decides
        }
        try {
            Configuration[] existing = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (existing != null && existing.length > 0) {
                return false;
            }
            Configuration c = configAdmin.getConfiguration(pid, "?");
            c.updateIfDifferent(props);
            return true;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Could not apply the relay's defaults for {}: {}", pid, e.getMessage(), e);
            return false;
        }
    }
}
