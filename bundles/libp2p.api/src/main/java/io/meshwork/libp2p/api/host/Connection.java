package io.meshwork.libp2p.api.host;

import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** An authenticated, multiplexed connection to one peer. Thread-safe. */
@ProviderType
public interface Connection {

    /** Unique within the host, for logs and the shell. */
    String id();

    PeerId remotePeer();

    /** The remote's identity key, as authenticated by the security handshake. */
    PublicKey remotePublicKey();

    Multiaddr localAddress();

    Multiaddr remoteAddress();

    Direction direction();

    /** Negotiated security protocol, e.g. {@code /noise}. */
    String security();

    /** Negotiated muxer, e.g. {@code /yamux/1.0.0}. */
    String muxer();

    /** True for relayed connections with data or time limits; only light protocols should use them. */
    boolean isLimited();

    Instant openedAt();

    /** Open streams on this connection. */
    List<Stream> streams();

    /**
     * Opens a stream and negotiates the first of {@code protocols} (in preference order) that the remote
     * supports. Fails with {@link ProtocolNotSupportedException} naming all of them if it supports none.
     */
    CompletionStage<Stream> newStream(List<String> protocols);

    boolean isOpen();

    /** Closes the connection and all its streams. */
    CompletionStage<Void> close();

    /** Completes when the connection is closed, exceptionally if it failed. */
    CompletionStage<Void> closeFuture();
}
