package io.meshwork.libp2p.api.spi;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Moves bytes to and from addresses it understands (e.g. {@code /ip4/.../tcp/...}). Thread-safe. Stopping the
 * bundle closes its listeners and connections.
 */
@ConsumerType
public interface Transport {

    /** Service property: the transport's name, e.g. {@code tcp}; also used by security and muxer services. */
    String PROTOCOL = "libp2p.protocol";

    boolean canDial(Multiaddr address);

    boolean canListen(Multiaddr address);

    /**
     * Opens a connection. A dial that is cancelled (the stage cancelled) or times out releases its socket. The
     * address may carry a trailing {@code /p2p/<id>}, which the transport ignores.
     */
    CompletionStage<RawConnection> dial(Multiaddr address, Duration timeout);

    /**
     * Listens on {@code address} (port 0 picks a free one) and hands every accepted connection to
     * {@code acceptor} on the connection's executor.
     */
    Listener listen(Multiaddr address, Consumer<RawConnection> acceptor) throws IOException;

    /** A listening socket. */
    interface Listener extends AutoCloseable {
        /** The bound address (with the actual port). */
        Multiaddr address();

        /**
         * The addresses others can reach this listener on, as the host reports them in
         * {@code Host.listenAddresses()} (after expanding wildcard IPs). A relay client returns its current circuit
         * addresses here, which change as reservations come and go.
         *
         * @since 1.1
         */
        default List<Multiaddr> addresses() {
            return List.of(address());
        }

        /** Stops accepting; connections already accepted stay open. */
        @Override
        void close();
    }
}
