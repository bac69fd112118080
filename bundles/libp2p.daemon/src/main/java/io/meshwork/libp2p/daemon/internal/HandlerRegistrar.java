package io.meshwork.libp2p.daemon.internal;

import io.meshwork.libp2p.api.host.StreamHandler;
import java.util.List;

/** Registers a stream handler with the host (in OSGi: a whiteboard service); closing the result unregisters it. */
@FunctionalInterface
interface HandlerRegistrar {

    Registration register(List<String> protocols, StreamHandler handler);

    /** A registered handler. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
