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
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}): answers what this node is
 * (key, addresses, protocols, a signed peer record, the address we see the peer at) and asks every newly
 * connected peer the same, storing the answer in the peer store. Answers may come in several delimited parts.
 * When what we announced changes (the protocols served, or the listen addresses: circuit addresses come and go with
 * relay reservations), every connected peer gets an identify push with a new signed peer record.
 * Callbacks run on the connection's executor; pushes and address checks on one timer thread; the shared state is
 * an atomic sequence number and the last announcement.
 */
@Component(service = {StreamHandler.class, ConnectionListener.class}, configurationPid = IdentifyService.PID,
        property = {
    StreamHandler.PROTOCOL + "=" + IdentifyService.ID,
    StreamHandler.PROTOCOL + "=" + IdentifyService.PUSH,
    StreamHandler.ALLOW_LIMITED + "=true"
})
@Designate(ocd = IdentifyConfig.class)
public final class IdentifyService implements StreamHandler, ConnectionListener {

    static final String PID = "io.meshwork.libp2p.identify";
    /** Default of {@link IdentifyConfig#push_delay_ms()}. */
    static final long PUSH_DELAY_MS = 500;
    /** Default of {@link IdentifyConfig#address_check_ms()}; go-libp2p's host checks its addresses every 5 s. */
    static final long ADDRESS_CHECK_MS = 1000;

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
    /** What this node told peers: protocols and listen addresses. */
    record Announcement(Set<String> protocols, Set<Multiaddr> addresses) {
    }

    /** What the last push (or the first identify) told peers, null before; a push goes out when this changes. */
    private final AtomicReference<@Nullable Announcement> announced = new AtomicReference<>();
    private final long pushDelayMillis;
    private final ScheduledExecutorService pushTimer;
    private @Nullable ScheduledFuture<?> pendingPush;
    private volatile boolean active = true;

    @Activate
    public IdentifyService(@Reference Host host, @Reference HostIdentity identity, BundleContext context,
                           IdentifyConfig config) {
        this(host, identity, "meshwork/" + context.getBundle().getVersion(), config.push_delay_ms(),
                config.address_check_ms());
    }

    IdentifyService(Host host, HostIdentity identity, String agentVersion) {
        this(host, identity, agentVersion, PUSH_DELAY_MS, ADDRESS_CHECK_MS);
    }

    IdentifyService(Host host, HostIdentity identity, String agentVersion, long pushDelayMillis,
                    long addressCheckMillis) {
        this.host = host;
        this.identity = identity;
        this.agentVersion = agentVersion;
        this.pushDelayMillis = Math.max(0, pushDelayMillis);
        this.pushTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libp2p-identify-push");
            t.setDaemon(true);
            return t;
        });
        if (addressCheckMillis > 0) {
            pushTimer.scheduleWithFixedDelay(this::checkAddresses, addressCheckMillis, addressCheckMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        pushTimer.shutdownNow();
    }

    /**
     * Watches the stream handler whiteboard: when the protocols this node serves change (a bundle was installed,
     * updated or stopped), connected peers are told with an identify push, changes within the push delay in one.
     */
    @Reference(service = StreamHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindHandler(org.osgi.framework.ServiceReference<StreamHandler> ref) {
        schedulePush();
    }

    void unbindHandler(org.osgi.framework.ServiceReference<StreamHandler> ref) {
        schedulePush();
    }

    synchronized void schedulePush() {
        if (!active || (pendingPush != null && !pendingPush.isDone())) {
            return;
        }
        try {
            pendingPush = pushTimer.schedule(this::pushIfChanged, pushDelayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // deactivated meanwhile
        }
    }

    /** On the timer: schedules a push when the listen addresses differ from those last announced. */
    private void checkAddresses() {
        try {
            Announcement before = announced.get();
            if (before != null && !before.addresses().equals(Set.copyOf(host.listenAddresses()))) {
                schedulePush();
            }
        } catch (RuntimeException e) {
            LOG.debug("Checking the listen addresses failed: {}", e.toString()); // keep the periodic task alive
        }
    }

    private Announcement current() {
        return new Announcement(Set.copyOf(host.protocols()), Set.copyOf(host.listenAddresses()));
    }

    /**
     * Sends an identify push to every connected peer if the protocols or listen addresses changed since the last
     * announcement; the push carries a new signed peer record.
     */
    void pushIfChanged() {
        Announcement now = current();
        Announcement before = announced.getAndSet(now);
        if (now.equals(before) || before == null) {
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
        LOG.debug("Identify push to {} peer(s): protocols now {}, addresses {}", host.connections().size(),
                now.protocols(), now.addresses());
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
        announced.compareAndSet(null, current());
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
