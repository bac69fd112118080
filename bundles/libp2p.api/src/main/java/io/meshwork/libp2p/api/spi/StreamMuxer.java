package io.meshwork.libp2p.api.spi;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A stream multiplexer (e.g. {@code /yamux/1.0.0}). Registered with {@link Transport#PROTOCOL} = its protocol id.
 */
@ConsumerType
public interface StreamMuxer {

    /**
     * Starts a session over {@code secured} (whose reader the session takes over). The dialer is the client
     * ({@link Direction#OUTBOUND}). Inbound streams go to {@code onInboundStream} on the session's executor.
     */
    Session start(Duplex secured, Direction direction, Consumer<Duplex> onInboundStream);

    /** A multiplexed session over one secured connection. Thread-safe. */
    @ProviderType
    interface Session {
        /** Opens an outbound stream (no protocol negotiated yet). */
        CompletionStage<Duplex> openStream();

        /** Number of open streams. */
        int streamCount();

        /** Stops new streams and closes the session and the connection below. */
        void close();

        boolean isOpen();

        /** Completes when the session ends; exceptionally when it failed (protocol error, keepalive timeout). */
        CompletionStage<Void> closeFuture();

        /** Called once when the session ends, with the failure or null. */
        void onClose(Consumer<@Nullable Throwable> listener);
    }
}
