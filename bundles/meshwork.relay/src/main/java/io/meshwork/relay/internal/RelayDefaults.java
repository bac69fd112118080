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
 * well-known port 4001 (IPv4 and IPv6) instead of an ephemeral port. Applied only when the operator has not
 * configured that component (a {@code <data>/conf/io.meshwork.libp2p.core.cfg} always wins).
 */
@Component(immediate = true)
public final class RelayDefaults {

    static final String HOST_PID = "io.meshwork.libp2p.core";
    static final String[] LISTEN = {"/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001"};

    private static final Logger LOG = LoggerFactory.getLogger(RelayDefaults.class);

    @Activate
    public RelayDefaults(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        String data = context.getProperty("meshwork.data");
        if (data != null && (Files.exists(Path.of(data, "conf", HOST_PID + ".cfg"))
                || Files.exists(Path.of(data, "conf", HOST_PID + ".config")))) {
            return; // the operator's file (applied by FileInstall) decides
        }
        try {
            Configuration[] existing = configAdmin.listConfigurations("(service.pid=" + HOST_PID + ")");
            if (existing != null && existing.length > 0) {
                return;
            }
            Configuration c = configAdmin.getConfiguration(HOST_PID, "?");
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("listen.addresses", LISTEN.clone()); // DS maps listen_addresses() to listen.addresses
            c.updateIfDifferent(props);
            LOG.info("Relay defaults: listening on {} (override in conf/{}.cfg)", String.join(" and ", LISTEN),
                    HOST_PID);
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Could not apply the relay's default listen addresses: {}", e.getMessage(), e);
        }
    }
}
