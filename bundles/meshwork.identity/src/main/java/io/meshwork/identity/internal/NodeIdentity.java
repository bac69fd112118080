package io.meshwork.identity.internal;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provides the node's {@link HostIdentity} from its key file, creating the key on first start.
 * Immutable after activation, so thread-safe. A configuration change re-creates the component.
 */
@Component(configurationPid = NodeIdentity.PID)
@Designate(ocd = IdentityConfig.class)
public final class NodeIdentity implements HostIdentity {

    static final String PID = "io.meshwork.identity";
    static final String KEY_FILE_NAME = "identity.key";

    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);

    private final PrivateKey key;
    private final PublicKey publicKey;
    private final PeerId peerId;

    @Activate
    public NodeIdentity(BundleContext context, IdentityConfig config) throws IOException {
        Path file = keyFile(context, config);
        IdentityKeyFile.Loaded loaded = IdentityKeyFile.loadOrCreate(file, new SecureRandom());
        this.key = loaded.key();
        this.publicKey = key.publicKey();
        this.peerId = PeerId.fromPublicKey(publicKey);
        if (loaded.created()) {
            LOG.info("Created a new identity in {}", file);
        }
        LOG.info("Node identity: {}", peerId);
    }

    static Path keyFile(BundleContext context, IdentityConfig config) {
        if (!config.key_file().isBlank()) {
            return Path.of(config.key_file()).toAbsolutePath();
        }
        String data = context.getProperty("meshwork.data");
        if (data != null && !data.isBlank()) {
            return Path.of(data, KEY_FILE_NAME);
        }
        // Outside a Meshwork runtime (e.g. a bare framework in tests): the bundle's own storage area.
        return context.getDataFile(KEY_FILE_NAME).toPath();
    }

    @Override
    public PeerId peerId() {
        return peerId;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return key.sign(data);
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + peerId + "]";
    }
}
