package io.meshwork.libp2p.mdns.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.mdns.internal.dns.DnsCodec;
import io.meshwork.libp2p.mdns.internal.dns.DnsMessage;
import io.meshwork.libp2p.mdns.internal.dns.DnsQuestion;
import io.meshwork.libp2p.mdns.internal.dns.DnsRecord;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mDNS discovery protocol for one node, as a pure state machine in caller-supplied time. Not thread-safe: one
 * thread calls {@link #start}, {@link #onPacket} and {@link #poll}; packets go out through {@link Io#send}, found
 * peers through {@link Io#discovered}.
 *
 * <ul>
 *   <li>Queries ({@code <service> PTR}) at start, one second later, then every query interval.
 *   <li>Answers every query for the service, including its own (so listeners learn passively), with the answer
 *       {@code <service> PTR <peer-name>.<service>} and additional records: a TXT record with one
 *       {@code dnsaddr=<multiaddr>/p2p/<id>} string per LAN address, an SRV record and A/AAAA records of a host name
 *       {@code <peer-name>.local}. At most one response a second (RFC 6762 section 6): a query within a second of the
 *       last response is answered when the second is over. Known-answer suppression: a query that already lists our
 *       PTR with at least half its TTL left is not answered. Direct queries for our instance's TXT or SRV record or
 *       our host name's A/AAAA records get the same response; the DNS-SD meta-query
 *       {@code _services._dns-sd._udp.local PTR} gets the service name.
 *   <li>Reads responses (from any peer, own excepted): the PTR answer names an instance, TXT records of that
 *       instance (in answers or additionals) carry the addresses; only LAN addresses are kept (loopback, public and
 *       circuit addresses are dropped). A peer is reported when first seen, when its address set changes, and when
 *       seen again after its record expired. A TTL of 0 (goodbye) forgets the peer.
 * </ul>
 */
public final class MdnsDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(MdnsDiscovery.class);
    private static final String DNSADDR = "dnsaddr=";
    private static final Duration SECOND_QUERY = Duration.ofSeconds(1);
    private static final Duration MIN_RESPONSE_GAP = Duration.ofSeconds(1);
    /** The DNS-SD service enumeration name (RFC 6763 section 9). */
    static final String DNS_SD_META = "_services._dns-sd._udp.local";

    /** Where the state machine's output goes. */
    public interface Io {
        /** Multicasts {@code packet} to the mDNS group (on every interface in use). */
        void send(byte[] packet);

        /** A peer was found, or found again (see the class comment). */
        void discovered(DiscoveredPeer peer);
    }

    /** A remembered peer. */
    public record Entry(PeerId peer, String instance, List<Multiaddr> addresses, Instant firstSeen, Instant expires) {
    }

    private final MdnsSettings settings;
    private final PeerId self;
    private final Supplier<List<Multiaddr>> ownAddresses;
    private final String peerName;
    private final String instance;
    private final Io io;
    private final Map<PeerId, Entry> peers = new HashMap<>();

    private @Nullable Instant nextQuery;
    private int queriesSent;
    private @Nullable Instant lastResponse;
    private @Nullable Instant pendingResponse;
    private @Nullable Instant lastMetaResponse;
    private boolean started;

    private long packetsIn;
    private long malformed;
    private long responsesSent;
    private long discoveries;

    /**
     * @param ownAddresses this node's addresses to advertise, read at each response; filtered here to LAN addresses
     * @param peerName the random name of this node in DNS (see {@link #randomPeerName})
     */
    public MdnsDiscovery(MdnsSettings settings, PeerId self, Supplier<List<Multiaddr>> ownAddresses, String peerName,
            Io io) {
        this.settings = settings;
        this.self = self;
        this.ownAddresses = ownAddresses;
        this.peerName = peerName.toLowerCase(Locale.ROOT);
        this.instance = this.peerName + "." + settings.serviceName();
        DnsQuestion.ptr(instance); // validates the name
        this.io = io;
    }

    /** A random peer name of 32 to 63 lower-case letters and digits (the spec's advice; never the peer id). */
    public static String randomPeerName(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        int length = 32 + random.nextInt(32);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    public static String randomPeerName() {
        return randomPeerName(new SecureRandom());
    }

    public String peerName() {
        return peerName;
    }

    /** Sends the first query. */
    public void start(Instant now) {
        if (started) {
            return;
        }
        started = true;
        query(now);
    }

    /**
     * Sends what is due at {@code now} (a query, a delayed response), forgets expired peers, and returns when it
     * wants to be polled next.
     */
    public Instant poll(Instant now) {
        if (!started) {
            throw new IllegalStateException("not started");
        }
        if (nextQuery != null && !now.isBefore(nextQuery)) {
            query(now);
        }
        if (pendingResponse != null && !now.isBefore(pendingResponse)) {
            pendingResponse = null;
            respond(now);
        }
        peers.values().removeIf(e -> !now.isBefore(e.expires()));
        Instant next = nextQuery;
        if (pendingResponse != null && pendingResponse.isBefore(next)) {
            next = pendingResponse;
        }
        for (Entry e : peers.values()) {
            if (e.expires().isBefore(next)) {
                next = e.expires();
            }
        }
        return next;
    }

    private void query(Instant now) {
        io.send(DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr(settings.serviceName())))));
        queriesSent++;
        nextQuery = now.plus(queriesSent == 1 ? SECOND_QUERY : settings.queryInterval());
    }

    /** Handles one received datagram; bad packets are counted and dropped. */
    public void onPacket(byte[] data, int length, Instant now) {
        packetsIn++;
        DnsMessage message;
        try {
            message = DnsCodec.decode(data, 0, length);
        } catch (MalformedDataException e) {
            malformed++;
            LOG.debug("mDNS: dropped a malformed packet: {}", e.getMessage());
            return;
        }
        if (message.response()) {
            onResponse(message, now);
        } else {
            onQuery(message, now);
        }
    }

    private void onQuery(DnsMessage message, Instant now) {
        if (!started) {
            return;
        }
        String host = peerName + ".local";
        boolean service = message.questions().stream().anyMatch(q -> q.asks(settings.serviceName(), DnsRecord.PTR));
        boolean direct = message.questions().stream().anyMatch(q -> q.asks(instance, DnsRecord.TXT)
                || q.asks(instance, DnsRecord.SRV) || q.asks(host, DnsRecord.A) || q.asks(host, DnsRecord.AAAA));
        if (message.questions().stream().anyMatch(q -> q.asks(DNS_SD_META, DnsRecord.PTR))) {
            answerMetaQuery(now);
        }
        if (!service && !direct) {
            return;
        }
        long halfTtl = settings.ttl().getSeconds() / 2;
        boolean known = message.answers().stream().anyMatch(r -> r.type() == DnsRecord.PTR
                && r.name().equalsIgnoreCase(settings.serviceName()) && r.ttl() >= halfTtl
                && ((DnsRecord.Ptr) r.data()).target().equalsIgnoreCase(instance));
        if (known && !direct) {
            return;
        }
        if (lastResponse == null || !now.isBefore(lastResponse.plus(MIN_RESPONSE_GAP))) {
            respond(now);
        } else if (pendingResponse == null) {
            pendingResponse = lastResponse.plus(MIN_RESPONSE_GAP);
        }
    }

    /** DNS-SD service enumeration: {@code _services._dns-sd._udp.local PTR <service>}, at most once a second. */
    private void answerMetaQuery(Instant now) {
        if (lastMetaResponse != null && now.isBefore(lastMetaResponse.plus(MIN_RESPONSE_GAP)) || response() == null) {
            return;
        }
        io.send(DnsCodec.encode(DnsMessage.response(List.of(DnsRecord.ptr(DNS_SD_META, settings.ttl().getSeconds(),
                settings.serviceName())), List.of())));
        lastMetaResponse = now;
        responsesSent++;
    }

    /**
     * The response this node sends now; null when it has no LAN address to advertise. Addresses whose TXT string would
     * exceed 255 bytes are left out, and so are the last ones while the packet exceeds the size limit.
     */
    @Nullable
    DnsMessage response() {
        List<Multiaddr> lan = new ArrayList<>();
        // Header, PTR, TXT and SRV record overheads: a lower bound, so the estimate below stops early enough
        // that the exact check after it needs only a few rounds.
        int estimate = 12 + 2 * instance.length() + 60;
        for (Multiaddr a : ownAddresses.get()) {
            Multiaddr plain = a.withoutPeerId();
            if (!LanAddresses.acceptable(plain) || lan.contains(plain)) {
                continue;
            }
            int size = (DNSADDR + plain.withPeerId(self)).getBytes(StandardCharsets.UTF_8).length;
            if (size > 255) {
                continue;
            }
            estimate += size + 1 + 16; // the TXT string, and an A record with a compressed name
            if (estimate > settings.maxPacket()) {
                break;
            }
            lan.add(plain);
        }
        while (!lan.isEmpty()) {
            DnsMessage m = response(lan);
            if (DnsCodec.encode(m).length <= settings.maxPacket()) {
                return m;
            }
            lan.remove(lan.size() - 1);
        }
        return null;
    }

    private DnsMessage response(List<Multiaddr> lan) {
        long ttl = settings.ttl().getSeconds();
        String host = peerName + ".local";
        List<String> strings = new ArrayList<>();
        List<DnsRecord> addressRecords = new ArrayList<>();
        int port = 0;
        for (Multiaddr a : lan) {
            strings.add(DNSADDR + a.withPeerId(self));
            if (port == 0 && a.valueOf(Protocol.TCP).isPresent()) {
                port = Integer.parseInt(a.valueOf(Protocol.TCP).get());
            }
            DnsRecord addressRecord = DnsRecord.address(host, ttl, LanAddresses.ip(a).orElseThrow());
            if (!addressRecords.contains(addressRecord)) {
                addressRecords.add(addressRecord);
            }
        }
        List<DnsRecord> additionals = new ArrayList<>();
        additionals.add(DnsRecord.txt(instance, ttl, strings));
        additionals.add(DnsRecord.srv(instance, ttl, port, host));
        additionals.addAll(addressRecords);
        return DnsMessage.response(List.of(DnsRecord.ptr(settings.serviceName(), ttl, instance)), additionals);
    }

    private void respond(Instant now) {
        DnsMessage response = response();
        if (response == null) {
            LOG.debug("mDNS: no LAN address to advertise; query not answered");
            return;
        }
        io.send(DnsCodec.encode(response));
        lastResponse = now;
        responsesSent++;
    }

    private void onResponse(DnsMessage message, Instant now) {
        Map<String, DnsRecord> instances = new HashMap<>();
        for (DnsRecord r : message.answers()) {
            if (r.type() == DnsRecord.PTR && r.name().equalsIgnoreCase(settings.serviceName())) {
                String target = ((DnsRecord.Ptr) r.data()).target().toLowerCase(Locale.ROOT);
                if (target.endsWith("." + settings.serviceName().toLowerCase(Locale.ROOT))
                        && !target.equals(instance)) {
                    instances.putIfAbsent(target, r);
                }
            }
        }
        for (Map.Entry<String, DnsRecord> i : instances.entrySet()) {
            long ttl = i.getValue().ttl();
            List<String> strings = new ArrayList<>();
            for (DnsRecord r : message.allRecords()) {
                if (r.type() == DnsRecord.TXT && r.name().equalsIgnoreCase(i.getKey())) {
                    ttl = Math.min(ttl, r.ttl());
                    strings.addAll(((DnsRecord.Txt) r.data()).texts());
                }
            }
            peerFound(i.getKey(), strings, ttl, now);
        }
    }

    private void peerFound(String name, List<String> strings, long ttl, Instant now) {
        PeerId peer = null;
        Set<Multiaddr> addresses = new LinkedHashSet<>();
        for (String s : strings) {
            if (!s.regionMatches(true, 0, DNSADDR, 0, DNSADDR.length())) {
                continue;
            }
            Multiaddr a;
            try {
                a = Multiaddr.parse(s.substring(DNSADDR.length()));
            } catch (IllegalArgumentException e) {
                LOG.debug("mDNS: {} advertised a bad multiaddr: {}", name, e.getMessage());
                continue;
            }
            PeerId id = a.peerId().orElse(null);
            if (id == null || peer != null && !peer.equals(id)) {
                continue;
            }
            peer = id;
            Multiaddr plain = a.withoutPeerId();
            if (LanAddresses.acceptable(plain) && addresses.size() < settings.maxAddressesPerPeer()) {
                addresses.add(plain);
            }
        }
        if (peer == null || peer.equals(self)) {
            return;
        }
        if (ttl == 0) {
            peers.remove(peer);
            return;
        }
        if (addresses.isEmpty()) {
            return;
        }
        List<Multiaddr> list = List.copyOf(addresses);
        Instant expires = now.plusSeconds(ttl);
        Entry old = peers.get(peer);
        boolean fresh = old == null || !now.isBefore(old.expires()) || !Set.copyOf(old.addresses()).equals(addresses);
        if (old == null && peers.size() >= settings.maxPeers()) {
            peers.values().stream().min(Comparator.comparing(Entry::expires))
                    .ifPresent(e -> peers.remove(e.peer()));
        }
        Instant firstSeen = old == null || !now.isBefore(old.expires()) ? now : old.firstSeen();
        peers.put(peer, new Entry(peer, name, list, firstSeen, expires));
        if (fresh) {
            discoveries++;
            io.discovered(new DiscoveredPeer(peer, list, DiscoveredPeer.MDNS, Duration.ofSeconds(ttl)));
        }
    }

    /** The addresses this node would advertise now (its LAN listen addresses that fit a response), with /p2p/. */
    public List<String> advertised() {
        DnsMessage r = response();
        if (r == null) {
            return List.of();
        }
        return r.additionals().stream().filter(x -> x.type() == DnsRecord.TXT)
                .flatMap(x -> ((DnsRecord.Txt) x.data()).texts().stream())
                .map(t -> t.substring(DNSADDR.length())).toList();
    }

    /** Peers remembered now (unexpired as of the last poll). */
    public List<Entry> peers() {
        return peers.values().stream().sorted(Comparator.comparing(Entry::firstSeen)).toList();
    }

    /** Counters: packets received, malformed packets, queries and responses sent, discoveries reported. */
    public Map<String, Long> stats() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("packets_received", packetsIn);
        m.put("packets_malformed", malformed);
        m.put("queries_sent", (long) queriesSent);
        m.put("responses_sent", responsesSent);
        m.put("peers_discovered", discoveries);
        m.put("peers_known", (long) peers.size());
        return m;
    }
}
