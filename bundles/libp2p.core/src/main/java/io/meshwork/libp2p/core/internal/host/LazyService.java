package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * A whiteboard service the host gets only when it first needs it (a stream for its protocol, a connection event),
 * not while binding it.
 *
 * <p>Why: handlers such as identify and pubsub reference the {@code Host} themselves. If binding them fetched the
 * service object, a host being (re)activated would create a handler that needs the host being created: Declarative
 * Services reports a circular reference and the handler stays unbound (identify vanished after a host restart that
 * way). Binding only the {@link ComponentServiceObjects} breaks the cycle; by the time a stream or connection
 * arrives, the host is fully active. Transports are bound the same way (the circuit relay transport references the
 * host); the host first asks them anything from its timer thread, after its activation. Thread-safe; {@link #release()} returns the service object on unbind.
 */
final class LazyService<S> {

    /** The service was unregistered (its bundle is stopping) or its component could not be activated. */
    static final class GoneException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        GoneException(String message) {
            super(message);
        }
    }

    private final ComponentServiceObjects<S> objects;
    private volatile S service;

    LazyService(ComponentServiceObjects<S> objects) {
        this.objects = objects;
    }

    S get() {
        S s = service;
        if (s == null) {
            synchronized (this) {
                s = service;
                if (s == null) {
                    s = objects.getService();
                    if (s == null) {
                        throw new GoneException("the service " + objects.getServiceReference()
                                + " is gone or could not be created");
                    }
                    service = s;
                }
            }
        }
        return s;
    }

    synchronized void release() {
        S s = service;
        service = null;
        if (s != null) {
            try {
                objects.ungetService(s);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the service or our component is already gone; nothing to return
            }
        }
    }

    /**
     * A transport that resolves the service when first asked what it can do. A transport that cannot be obtained
     * (it failed to activate) can dial and listen on nothing.
     */
    static Transport transport(LazyService<Transport> lazy) {
        return new Transport() {
            @Override
            public boolean canDial(Multiaddr address) {
                try {
                    return lazy.get().canDial(address);
                } catch (IllegalStateException e) {
                    return false;
                }
            }

            @Override
            public boolean canListen(Multiaddr address) {
                try {
                    return lazy.get().canListen(address);
                } catch (IllegalStateException e) {
                    return false;
                }
            }

            @Override
            public CompletionStage<RawConnection> dial(Multiaddr address, Duration timeout) {
                return lazy.get().dial(address, timeout);
            }

            @Override
            public Listener listen(Multiaddr address, Consumer<RawConnection> acceptor) throws IOException {
                return lazy.get().listen(address, acceptor);
            }

            @Override
            public String toString() {
                return "Transport " + lazy.objects.getServiceReference();
            }
        };
    }

    /** A stream handler that resolves the service on the first stream. */
    static StreamHandler handler(LazyService<StreamHandler> lazy) {
        return new StreamHandler() {
            @Override
            public void handle(Stream stream) {
                lazy.get().handle(stream);
            }

            @Override
            public String toString() {
                return "StreamHandler " + lazy.objects.getServiceReference();
            }
        };
    }

    /** A connection listener that resolves the service on the first event. */
    static ConnectionListener listener(LazyService<ConnectionListener> lazy) {
        return new ConnectionListener() {
            @Override
            public void connected(Connection connection) {
                lazy.get().connected(connection);
            }

            @Override
            public void disconnected(Connection connection) {
                lazy.get().disconnected(connection);
            }

            @Override
            public String toString() {
                return "ConnectionListener " + lazy.objects.getServiceReference();
            }
        };
    }
}
