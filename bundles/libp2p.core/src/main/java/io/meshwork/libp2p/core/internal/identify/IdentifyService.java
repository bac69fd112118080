package io.meshwork.libp2p.core.internal.identify;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.ConnectionListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.PeerStore;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.PeerRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}): answers what this node is
 * (key, addresses, protocols, a signed peer record, the address we see the peer at) and asks every newly
 * connected peer the same, storing the answer in the peer store. Answers may come in several delimited parts.
 * Callbacks run on the connection's executor; the only shared state is an atomic sequence number.
 */
@Component(service = {StreamHandler.class, ConnectionListener.class}, property = {
    StreamHandler.PROTOCOL + "=" + IdentifyService.ID,
    StreamHandler.PROTOCOL + "=" + IdentifyService.PUSH,
    StreamHandler.ALLOW_LIMITED + "=true"
})
public final class IdentifyService implements StreamHandler, ConnectionListener {

    static final String ID = "/ipfs/id/1.0.0";
    static final String PUSH = "/ipfs/id/push/1.0.0";
    static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** Per delimited message; go reads at most 8 KiB, a whole answer is bounded by {@link IdentifyMessage#MAX_SIZE}. */
    static final int MAX_MESSAGE = IdentifyMessage.MAX_SIZE;
    static final Duration ADDRESS_TTL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(IdentifyService.class);

    private final Host host;
    private final HostIdentity identity;
    private final String agentVersion;
    private final AtomicLong recordSeq = new AtomicLong(System.currentTimeMillis());
    /**
     * What the last push (or the first identify) told peers: the protocols and the listen addresses (as
     * {@code addr:<multiaddr>} entries); a push goes out when this changes.
     */
    private final java.util.concurrent.atomic.AtomicReference<java.util.Set<String>> announced =
            new java.util.concurrent.atomic.AtomicReference<>(java.util.Set.of());
    private final java.util.concurrent.ScheduledExecutorService pushTimer;
    private java.util.concurrent.@Nullable ScheduledFuture<?> pendingPush;
    private volatile boolean active = true;

    @Activate
    public IdentifyService(@Reference Host host, @Reference HostIdentity identity, BundleContext context) {
        this(host, identity, "meshwork/" + context.getBundle().getVersion());
    }

    IdentifyService(Host host, HostIdentity identity, String agentVersion) {
        this.host = host;
        this.identity = identity;
        this.agentVersion = agentVersion;
        this.pushTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libp2p-identify-push");
            t.setDaemon(true);
            return t;
        });
        // listen addresses change without a whiteboard event (a relay reservation adds a /p2p-circuit address)
        pushTimer.scheduleWithFixedDelay(this::pushIfChanged, ADDRESS_CHECK_MS, ADDRESS_CHECK_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** How often the listen addresses are compared with what peers were told. */
    static final long ADDRESS_CHECK_MS = 2000;

    /** The protocols and listen addresses peers should know, as one set. */
    private java.util.Set<String> announcement() {
        java.util.Set<String> out = new java.util.HashSet<>(host.protocols());
        host.listenAddresses().forEach(a -> out.add("addr:" + a));
        return java.util.Set.copyOf(out);
    }

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        active = false;
        pushTimer.shutdownNow();
    }

    /**
     * Watches the stream handler whiteboard: when the protocols this node serves change (a bundle was installed,
     * updated or stopped), connected peers are told with an identify push, at most once per
     * {@value #PUSH_DELAY_MS} ms.
     */
    @Reference(service = StreamHandler.class, cardinality = org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    void bindHandler(org.osgi.framework.ServiceReference<StreamHandler> ref) {
        schedulePush();
    }

    void unbindHandler(org.osgi.framework.ServiceReference<StreamHandler> ref) {
        schedulePush();
    }

    static final long PUSH_DELAY_MS = 500;

    synchronized void schedulePush() {
        if (!active || (pendingPush != null && !pendingPush.isDone())) {
            return;
        }
        pendingPush = pushTimer.schedule(this::pushIfChanged, PUSH_DELAY_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Sends an identify push to every connected peer if the protocols or listen addresses changed since the last
     * announcement.
     */
    void pushIfChanged() {
        java.util.Set<String> now = announcement();
        java.util.Set<String> before = announced.getAndSet(now);
        if (now.equals(before) || before.isEmpty()) {
            return; // nothing new, or nothing announced yet (identify on connect tells peers)
        }
        for (Connection c : host.connections()) {
            c.newStream(List.of(PUSH)).whenComplete((stream, e) -> {
                if (e != null) {
                    LOG.debug("Identify push to {} failed: {}", c.remotePeer(), e.getMessage());
                    return;
                }
                stream.write(VarintFrames.frame(describeSelf(c).encode()));
                stream.closeWrite();
                stream.setReader(new VarintFrames.Reader(0, m -> stream.reset()));
            });
        }
        LOG.debug("Identify push to {} peer(s): protocols and addresses now {}", host.connections().size(), now);
    }

    // ------------------------------------------------------------------ responding

    @Override
    public void handle(Stream stream) {
        if (PUSH.equals(stream.protocol())) {
            receive(stream, "push");
            return;
        }
        IdentifyMessage msg = describeSelf(stream.connection());
        stream.write(VarintFrames.frame(msg.encode()));
        stream.closeWrite();
        stream.setReader(new VarintFrames.Reader(0, m -> stream.reset())); // nothing is expected back
    }

    IdentifyMessage describeSelf(Connection connection) {
        announced.compareAndSet(java.util.Set.of(), announcement());
        List<Multiaddr> addrs = host.listenAddresses();
        // No addresses, no record: a signed record without addresses makes js-libp2p replace the addresses it
        // knows for us (e.g. the relayed address it just dialed us on) with nothing.
        byte[] record = addrs.isEmpty() ? null : new PeerRecord(identity.peerId(), recordSeq.incrementAndGet(), addrs)
                .seal(identity.publicKey(), identity::sign).marshal();
        return new IdentifyMessage(PROTOCOL_VERSION, agentVersion, identity.publicKey(), addrs,
                connection.remoteAddress(), List.copyOf(host.protocols()), record);
    }

    // ------------------------------------------------------------------ asking

    @Override
    public void connected(Connection connection) {
        connection.newStream(List.of(ID)).whenComplete((stream, e) -> {
            if (e != null) {
                LOG.debug("Identify of {} could not start: {}", connection.remotePeer(), e.toString());
                return;
            }
            receive(stream, "identify");
        });
    }

    @Override
    public void disconnected(Connection connection) {
        // nothing kept per connection
    }

    private void receive(Stream stream, String what) {
        List<IdentifyMessage> parts = new ArrayList<>();
        stream.setReader(new VarintFrames.Reader(MAX_MESSAGE, new VarintFrames.MessageHandler() {
            @Override
            public void onMessage(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                parts.add(IdentifyMessage.decode(bytes));
            }

            @Override
            public void onEnd() {
                stream.close();
                if (!parts.isEmpty()) {
                    IdentifyMessage merged = parts.get(0);
                    for (int i = 1; i < parts.size(); i++) {
                        merged = merged.merge(parts.get(i));
                    }
                    apply(stream.connection(), merged, what);
                }
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                if (cause != null) {
                    LOG.debug("{} from {} failed: {}", what, stream.connection().remotePeer(), cause.toString());
                }
            }
        }));
    }

    void apply(Connection connection, IdentifyMessage msg, String what) {
        PeerId peer = connection.remotePeer();
        PeerStore store = host.peerStore();
        if (msg.publicKey() != null && !peer.matches(msg.publicKey())) {
            LOG.warn("{} from {} carries a different public key; ignored", what, peer);
            return;
        }
        List<Multiaddr> addrs = new ArrayList<>(msg.listenAddrs());
        byte[] signed = msg.signedPeerRecord();
        if (signed != null) {
            try {
                PeerRecord record = PeerRecord.fromEnvelope(signed);
                if (record.peerId().equals(peer)) {
                    // certified addresses replace the unsigned list; the envelope is kept for peer exchange
                    store.addPeerRecord(signed, ADDRESS_TTL);
                    addrs = List.of();
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("Ignoring the signed peer record of {}: {}", peer, e.getMessage());
            }
        }
        if (!addrs.isEmpty()) {
            store.addAddresses(peer, new ArrayList<>(new LinkedHashSet<>(addrs)), ADDRESS_TTL);
        }
        store.setProtocols(peer, new LinkedHashSet<>(msg.protocols()));
        if (msg.agentVersion() != null) {
            store.setAgentVersion(peer, msg.agentVersion());
        }
        Multiaddr observed = msg.observedAddr();
        // js appends our own /p2p/<id>; the same socket address must count as one, and one naming another
        // peer is not about us.
        if (observed != null && observed.peerId().map(identity.peerId()::equals).orElse(true)) {
            store.addObservedAddress(observed.withoutPeerId(), peer);
        }
        LOG.debug("{} of {}: agent {}, {} protocols, {} addresses", what, peer, msg.agentVersion(),
                msg.protocols().size(), addrs.size());
    }
}
