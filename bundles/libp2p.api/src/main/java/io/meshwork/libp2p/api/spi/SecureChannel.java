package io.meshwork.libp2p.api.spi;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A security protocol (e.g. {@code /noise}): authenticates the remote and encrypts the connection. Registered
 * with {@link Transport#PROTOCOL} = its protocol id.
 */
@ConsumerType
public interface SecureChannel {

    /**
     * Runs the handshake over {@code raw} (whose reader this channel takes over) and returns the secured duplex.
     * Fails with a {@link io.meshwork.libp2p.api.host.Libp2pException} naming the reason (bad signature, wrong
     * peer, timeout...). The caller closes {@code raw} on failure.
     */
    CompletionStage<Secured> secure(Duplex raw, Direction direction, Context context);

    /** What the handshake needs from the host. */
    record Context(HostIdentity identity, Optional<PeerId> expectedRemote, List<String> muxers) {
        public Context {
            muxers = List.copyOf(muxers);
        }
    }

    /** The secured connection and what the handshake established. */
    @ProviderType
    interface Secured extends Duplex {
        PeerId remotePeer();

        PublicKey remotePublicKey();

        /** The muxer agreed inside the handshake (inlined negotiation), if any. */
        Optional<String> muxer();
    }
}
