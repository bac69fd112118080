package io.meshwork.libp2p.relay.internal.client;

import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.spi.RawConnection;
import io.meshwork.libp2p.api.spi.Transport;
import io.meshwork.libp2p.relay.internal.proto.RelayCodec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The relay client as a {@link Transport} service ({@code libp2p.protocol=p2p-circuit}), plus the STOP
 * {@link StreamHandler} and a {@link ConnectionListener}, which it registers itself: one service object cannot
 * carry both the transport name and the handler's protocol id in {@code libp2p.protocol}. It references the
 * {@link Host}, which binds transports lazily for exactly this reason. Deactivation unregisters both, stops the
 * keeper's thread and stops accepting circuits; relayed connections already up stay with the host.
 */
@Component(service = {Transport.class, RelayClientComponent.class}, immediate = true,
        configurationPid = RelayClientComponent.PID, property = Transport.PROTOCOL + "=p2p-circuit")
@Designate(ocd = ClientConfig.class)
public final class RelayClientComponent implements Transport {

    public static final String PID = "io.meshwork.libp2p.relay.client";

    private final ScheduledExecutorService timer;
    private final RelayClient client;
    private final ServiceRegistration<StreamHandler> stop;
    private final ServiceRegistration<ConnectionListener> listener;

    @Activate
    public RelayClientComponent(BundleContext context, @Reference Host host, ClientConfig config) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwork-relay-client");
            t.setDaemon(true);
            return t;
        });
        this.client = new RelayClient(host, config, Clock.systemUTC(), timer, new SecureRandom());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(StreamHandler.PROTOCOL, RelayCodec.STOP);
        this.stop = context.registerService(StreamHandler.class, client.stopHandler, props);
        this.listener = context.registerService(ConnectionListener.class, client.connectionListener,
                new Hashtable<>());
    }

    public RelayClient client() {
        return client;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return client.canDial(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return client.canListen(address);
    }

    @Override
    public CompletionStage<RawConnection> dial(Multiaddr address, Duration timeout) {
        return client.dial(address, timeout);
    }

    @Override
    public Listener listen(Multiaddr address, Consumer<RawConnection> acceptor) {
        return client.listen(address, acceptor);
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {stop, listener}) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        client.close();
        timer.shutdownNow();
    }
}
