package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.spi.SecureChannel;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import io.meshwork.libp2p.api.spi.Transport;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;


/**
 * Access to the package-private parts of {@link HostImpl} for the multi-node tests of protocol bundles, the system
 * benchmarks and the js-libp2p interop tests, which assemble real hosts outside OSGi as Declarative Services would.
 * Lives in the host's package on the plain class path (a split package there, which a class path allows).
 */
public final class BenchAccess {

    private static final AtomicLong SERVICE_IDS = new AtomicLong();

    private BenchAccess() {
    }

    /** A host with {@link HostConfig} defaults overridden by {@code config} (keys are HostConfig method names). */
    public static HostImpl newHost(HostIdentity identity, Map<String, Object> config) {
        return new HostImpl(identity, config(HostConfig.class, config), new MultistreamNegotiation(),
                Clock.systemUTC());
    }

    public static void bindTransport(HostImpl host, Transport transport, String name) {
        host.bindTransport(transport, serviceProps(name));
    }

    public static void bindSecureChannel(HostImpl host, SecureChannel channel, String protocol) {
        host.bindSecureChannel(channel, serviceProps(protocol));
    }

    public static void bindMuxer(HostImpl host, StreamMuxer muxer, String protocol) {
        host.bindMuxer(muxer, serviceProps(protocol));
    }

    /** Registers {@code handler} for {@code protocols}, as the whiteboard would. */
    public static void bindHandler(HostImpl host, StreamHandler handler, boolean allowLimited, String... protocols) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamHandler.PROTOCOL, protocols.clone());
        props.put(StreamHandler.ALLOW_LIMITED, Boolean.toString(allowLimited));
        props.put("service.id", SERVICE_IDS.incrementAndGet());
        host.bindHandler(handler, props);
    }

    /** Removes a handler bound with {@link #bindHandler}, as the whiteboard would when its service goes away. */
    public static void unbindHandler(HostImpl host, StreamHandler handler) {
        host.unbindHandler(handler);
    }

    public static void bindConnectionListener(HostImpl host, ConnectionListener listener) {
        host.bindConnectionListener(listener);
    }

    /** Binds peer routing (e.g. a DHT engine): the host asks it for peers it has no address for. */
    public static void bindPeerRouting(HostImpl host, io.meshwork.libp2p.api.routing.PeerRouting routing) {
        host.bindPeerRouting(routing);
    }

    public static void deactivate(HostImpl host) {
        host.deactivate();
    }

    /**
     * Builds the identify service ({@code /ipfs/id/1.0.0} and push) through its package-private constructor, with
     * an explicit agent version, and binds it as the host's handler of both protocols and as a connection listener
     * (it asks every new peer), as DS would. Returns what deactivates it (stops its push timer).
     */
    public static Runnable bindIdentify(HostImpl host, HostIdentity identity, String agentVersion) {
        Object service;
        try {
            // A method handle for exactly this constructor: Class.getDeclaredConstructor would resolve every
            // constructor's parameter types, and the DS one takes an OSGi BundleContext (not on this class path).
            Class<?> type = Class.forName("io.meshwork.libp2p.core.internal.identify.IdentifyService");
            MethodHandle c = MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findConstructor(type,
                    MethodType.methodType(void.class, Host.class, HostIdentity.class, String.class));
            service = c.invoke(host, identity, agentVersion);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build IdentifyService: " + e, e);
        }
        bindHandler(host, (StreamHandler) service, true, "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0");
        bindConnectionListener(host, (ConnectionListener) service);
        Object identify = service;
        return () -> {
            try {
                MethodHandles.privateLookupIn(identify.getClass(), MethodHandles.lookup())
                        .findVirtual(identify.getClass(), "deactivate", MethodType.methodType(void.class))
                        .invoke(identify);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot deactivate IdentifyService: " + e, e);
            }
        };
    }

    /** An instance of a DS component property type: method defaults, overridden by method name. */
    public static <A> A config(Class<A> type, Map<String, Object> overrides) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (overrides.containsKey(m.getName())) {
                return overrides.get(m.getName());
            }
            if (m.getDefaultValue() != null) {
                return m.getDefaultValue();
            }
            return switch (m.getName()) {
                case "annotationType" -> type;
                case "hashCode" -> System.identityHashCode(p);
                case "equals" -> p == args[0];
                case "toString" -> type.getSimpleName() + overrides;
                default -> throw new IllegalStateException("no value for " + m.getName());
            };
        });
        return type.cast(proxy);
    }

    private static Map<String, Object> serviceProps(String protocol) {
        return Map.of(Transport.PROTOCOL, protocol, "service.id", SERVICE_IDS.incrementAndGet());
    }
}
