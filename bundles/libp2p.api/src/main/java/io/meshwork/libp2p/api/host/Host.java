package io.meshwork.libp2p.api.host;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's libp2p host: one per framework. Thread-safe; every method returns without blocking.
 *
 * <p>Failures of the returned stages carry a {@link Libp2pException} subtype whose message says what went wrong
 * and where (which address, which protocol, which step of the upgrade).
 */
@ProviderType
public interface Host {

    PeerId peerId();

    /** The addresses the host listens on now (with actual ports), without the {@code /p2p/} suffix. */
    List<Multiaddr> listenAddresses();

    /** Protocol ids served now: those of the registered {@link StreamHandler}s. */
    Set<String> protocols();

    /**
     * Connects to the peer at {@code address}, which must end in {@code /p2p/<peer-id>}; the security handshake
     * verifies that the remote is that peer. Returns the existing connection if there is one.
     */
    CompletionStage<Connection> connect(Multiaddr address);

    /** Connects to {@code peer} using the addresses the peer store knows (several are tried, best first). */
    CompletionStage<Connection> connect(PeerId peer);

    /**
     * Opens a new direct connection to {@code address} (ending in {@code /p2p/<peer-id>}) even if connections to the
     * peer exist, and upgrades it in the given {@code role}: {@link Direction#OUTBOUND} runs multistream-select,
     * the security handshake and the muxer as the initiator, {@link Direction#INBOUND} as the responder although
     * this side dialed. Hole punching (DCUtR) needs this: both peers dial at once (TCP simultaneous open) and the
     * protocol, not the socket, decides who initiates; an AutoNAT server dials back over a fresh connection. The
     * connection reports {@code role} as its direction. Cancelling the stage aborts the dial.
     *
     * @since 1.2
     */
    CompletionStage<Connection> dialDirect(Multiaddr address, Direction role);

    /**
     * Connects if needed, then opens a stream for the first supported of {@code protocols}. When the peer has both a
     * direct and a limited (relayed) connection, the stream goes over the direct one.
     */
    CompletionStage<Stream> newStream(PeerId peer, List<String> protocols);

    /** Open connections, all peers. */
    List<Connection> connections();

    /** Open connections to one peer. */
    List<Connection> connections(PeerId peer);

    /** Closes every connection to {@code peer}. */
    CompletionStage<Void> disconnect(PeerId peer);

    PeerStore peerStore();
}
