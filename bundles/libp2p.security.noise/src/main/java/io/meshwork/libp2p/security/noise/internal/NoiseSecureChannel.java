package io.meshwork.libp2p.security.noise.internal;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.spi.SecureChannel;
import io.meshwork.libp2p.api.spi.Transport;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /noise} security channel as a service. Stateless apart from its configuration: every call creates a
 * {@link NoiseConnection} confined to the raw connection's executor.
 */
@Component(configurationPid = NoiseSecureChannel.PID, property = Transport.PROTOCOL + "=" + NoiseSecureChannel.ID)
@Designate(ocd = NoiseConfig.class)
public final class NoiseSecureChannel implements SecureChannel {

    static final String PID = "io.meshwork.libp2p.security.noise";
    static final String ID = "/noise";

    private static final Logger LOG = LoggerFactory.getLogger(NoiseSecureChannel.class);

    private final AeadProvider aead;
    private final int maxPendingWrite;
    private final int maxHeldRead;
    /** Live connections, closed when this service goes away (the bundle stopped or was updated). */
    private final Set<NoiseConnection> live = ConcurrentHashMap.newKeySet();
    /** Large-frame receive buffers lent to connections while they handle one frame (64 kept: 4 MiB). */
    private final FrameBuffers buffers = new FrameBuffers(64);

    @Activate
    public NoiseSecureChannel(NoiseConfig config) {
        this(parse(config.aead()), config.max_pending_write_bytes(), config.max_held_read_bytes());
        LOG.debug("Noise with {} ChaCha20-Poly1305", aead.resolve());
    }

    NoiseSecureChannel(AeadProvider aead, int maxPendingWrite, int maxHeldRead) {
        this.aead = aead;
        this.maxPendingWrite = maxPendingWrite;
        this.maxHeldRead = maxHeldRead;
    }

    private static AeadProvider parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "jdk" -> AeadProvider.JDK;
            case "bouncycastle", "bc" -> AeadProvider.BOUNCY_CASTLE;
            default -> AeadProvider.AUTO;
        };
    }

    @Override
    public CompletionStage<Secured> secure(Duplex raw, Direction direction, Context context) {
        LibP2pNoiseHandshake.Builder builder = LibP2pNoiseHandshake
                .builder(context.identity().publicKey(), context.identity()::sign)
                .muxers(context.muxers())
                .aeadProvider(aead);
        LibP2pNoiseHandshake handshake = direction == Direction.OUTBOUND
                ? builder.initiator(context.expectedRemote().orElse(null))
                : builder.responder();
        NoiseConnection conn = new NoiseConnection(raw, handshake, maxPendingWrite, maxHeldRead, buffers);
        live.add(conn);
        conn.closeFuture().whenComplete((v, e) -> live.remove(conn));
        return conn.start();
    }

    @Deactivate
    public void deactivate() {
        if (!live.isEmpty()) {
            LOG.info("Noise is stopping: closing {} secured connection(s)", live.size());
        }
        live.forEach(NoiseConnection::close);
        live.clear();
    }
}
