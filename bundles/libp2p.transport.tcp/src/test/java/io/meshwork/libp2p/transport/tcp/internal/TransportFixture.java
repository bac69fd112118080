package io.meshwork.libp2p.transport.tcp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Creates transports for a test and deactivates them after it; leak-checked. */
@ExtendWith(NettyLeakCheck.class)
abstract class TransportFixture {

    private final List<TcpTransport> transports = new ArrayList<>();

    TcpTransport newTransport(boolean nativeEpoll) {
        return newTransport(nativeEpoll, Map.of());
    }

    TcpTransport newTransport(boolean nativeEpoll, Map<String, ?> overrides) {
        TcpTransport transport = TestSupport.transport(nativeEpoll, overrides);
        transports.add(transport);
        return transport;
    }

    @AfterEach
    void deactivateTransports() {
        for (TcpTransport transport : transports) {
            transport.deactivate();
        }
        transports.clear();
    }
}
