package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.InvalidRecordException;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.RoutingException;
import io.meshwork.libp2p.kad.internal.proto.KadMessage;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.KadPeer;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.KadRecord;
import io.meshwork.libp2p.kad.internal.proto.KadMessage.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One DHT node: serves requests from its routing table and stores, and runs lookups (FIND_NODE, GET_VALUE,
 * GET_PROVIDERS) as {@link Lookup} state machines. All state lives on the {@link Scheduler}'s thread; public methods
 * may be called from any thread and hop onto it. Stages complete on that thread.
 */
public final class KadEngine {

    /** Engine parameters (the component maps its configuration onto these). */
    public record Config(int k, int alpha, long requestTimeoutMs, int maxRecords, long maxRecordBytes,
            long recordTtlMs, int maxProviders, int maxProvidersPerKey, long providerTtlMs, long refreshIntervalMs) {

        /** Providers kept per key (not configurable: the spec's k-bucket sized answers need no more). */
        public static final int MAX_PROVIDERS_PER_KEY = 100;

        /** The component's configuration defaults (KadConfig), for tests and embedders. */
        public static Config defaults() {
            return new Config(20, 10, 10_000, 10_000, 16L * 1024 * 1024, 48L * 3600_000, 100_000, MAX_PROVIDERS_PER_KEY,
                    48L * 3600_000, 10L * 60_000);
        }

        public Config withRequestTimeoutMs(long ms) {
            return new Config(k, alpha, ms, maxRecords, maxRecordBytes, recordTtlMs, maxProviders,
                    maxProvidersPerKey, providerTtlMs, refreshIntervalMs);
        }
    }

    /** Counters for metrics and the shell. */
    public static final class Stats {
        public final AtomicLong requestsIn = new AtomicLong();
        public final AtomicLong requestsOut = new AtomicLong();
        public final AtomicLong requestsFailed = new AtomicLong();
        public final AtomicLong lookups = new AtomicLong();
        public final AtomicLong invalidRecords = new AtomicLong();
    }

    private final PeerId self;
    private final byte[] selfHash;
    private final Config config;
    private final Network network;
    private final Scheduler scheduler;
    private final Validators validators;
    private final Random random;
    private final RoutingTable table;
    private final RecordStore records;
    private final ProviderStore providers;
    private final Stats stats = new Stats();
    private final Set<CompletableFuture<?>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public KadEngine(PeerId self, Config config, Network network, Scheduler scheduler, Validators validators,
            Random random) {
        this.self = self;
        this.selfHash = Keys.hash(self.bytes());
        this.config = config;
        this.network = network;
        this.scheduler = scheduler;
        this.validators = validators;
        this.random = random;
        this.table = new RoutingTable(self, config.k());
        this.records = new RecordStore(config.maxRecords(), config.maxRecordBytes(), config.recordTtlMs());
        this.providers = new ProviderStore(config.maxProviders(), config.maxProvidersPerKey(),
                config.providerTtlMs());
    }

    public PeerId self() {
        return self;
    }

    public Config config() {
        return config;
    }

    public Stats stats() {
        return stats;
    }

    /** Fails every operation still running (the scheduler has stopped). */
    public void close() {
        closed = true;
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(new RoutingException("the DHT is stopped"));
        }
    }

    /** Runs {@code task} on the engine thread. */
    private <T> CompletableFuture<T> onThread(Supplier<CompletionStage<T>> task) {
        CompletableFuture<T> out = new CompletableFuture<>();
        if (closed) {
            out.completeExceptionally(new RoutingException("the DHT is stopped"));
            return out;
        }
        pending.add(out);
        out.whenComplete((v, e) -> pending.remove(out));
        try {
            scheduler.execute(() -> {
                try {
                    task.get().whenComplete((v, e) -> {
                        if (e != null) {
                            out.completeExceptionally(unwrap(e));
                        } else {
                            out.complete(v);
                        }
                    });
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) { // rejected: stopping
            out.completeExceptionally(new RoutingException("the DHT is stopped"));
        }
        return out;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    // ------------------------------------------------------------------ routing table membership

    /** A peer known to run in server mode (it answered us, or identify lists the protocol). */
    public void addServerPeer(PeerId peer) {
        scheduler.execute(() -> table.add(peer, scheduler.nowMillis()));
    }

    /** A peer left server mode or went away. */
    public void removePeer(PeerId peer) {
        scheduler.execute(() -> table.remove(peer));
    }

    /** Routing table snapshot (on the engine thread). */
    public CompletableFuture<List<List<RoutingTable.Entry>>> table() {
        return onThread(() -> CompletableFuture.completedFuture(table.buckets()));
    }

    public CompletableFuture<int[]> storeSizes() {
        return onThread(() -> CompletableFuture.completedFuture(
                new int[] {table.size(), records.size(), providers.size()}));
    }

    // ------------------------------------------------------------------ server side

    /**
     * Answers a request from {@code from}: completes with the response, with null for ADD_PROVIDER (no response on
     * the wire), or exceptionally for a request that must be refused (the stream is then reset).
     */
    public CompletableFuture<@Nullable KadMessage> handle(PeerId from, KadMessage request) {
        return onThread(() -> {
            stats.requestsIn.incrementAndGet();
            try {
                return CompletableFuture.completedFuture(answer(from, request));
            } catch (InvalidRecordException e) {
                stats.invalidRecords.incrementAndGet();
                return CompletableFuture.failedFuture(new RoutingException("refused " + request.type() + " from "
                        + from + ": " + e.getMessage()));
            } catch (IllegalStateException e) {
                return CompletableFuture.failedFuture(new RoutingException("refused " + request.type() + " from "
                        + from + ": " + e.getMessage()));
            }
        });
    }

    private @Nullable KadMessage answer(PeerId from, KadMessage req) throws InvalidRecordException {
        long now = scheduler.nowMillis();
        byte[] key = req.key();
        switch (req.type()) {
            case FIND_NODE: {
                List<KadPeer> closer = closerPeers(key, from);
                try {
                    PeerId target = PeerId.fromBytes(key);
                    if (!target.equals(from) && !target.equals(self) && network.isConnected(target)
                            && closer.stream().noneMatch(p -> Arrays.equals(p.id(), key))) {
                        List<Multiaddr> addrs = network.addresses(target);
                        if (!addrs.isEmpty()) {
                            List<KadPeer> withTarget = new ArrayList<>();
                            withTarget.add(kadPeer(target, addrs));
                            withTarget.addAll(closer);
                            closer = withTarget.subList(0, Math.min(withTarget.size(), config.k()));
                        }
                    }
                } catch (MalformedDataException e) {
                    // not a peer ID: a plain key
                }
                return new KadMessage(Type.FIND_NODE, key, null, closer, List.of());
            }
            case GET_VALUE: {
                KadRecord record = null;
                RecordStore.Stored stored = records.get(key, now);
                if (stored != null) {
                    record = new KadRecord(key, stored.value(), Instant.ofEpochMilli(stored.receivedAt()).toString());
                }
                return new KadMessage(Type.GET_VALUE, key, record, closerPeers(key, from), List.of());
            }
            case PUT_VALUE: {
                KadRecord record = req.record();
                if (record == null) {
                    throw new InvalidRecordException("PUT_VALUE without a record");
                }
                if (!Arrays.equals(record.key(), key)) {
                    throw new InvalidRecordException("PUT_VALUE record key differs from the message key");
                }
                storeIfBetter(key, record.value(), now);
                return req;
            }
            case ADD_PROVIDER: {
                for (KadPeer p : req.providerPeers()) {
                    if (!Arrays.equals(p.id(), from.bytes())) {
                        continue; // only the sender may announce itself
                    }
                    List<Multiaddr> addrs = parseAddrs(p.addrs());
                    if (!addrs.isEmpty()) {
                        network.addAddresses(from, addrs);
                    }
                    providers.add(key, from, now);
                }
                return null;
            }
            case GET_PROVIDERS: {
                List<KadPeer> found = new ArrayList<>();
                for (PeerId p : providers.get(key, now)) {
                    List<Multiaddr> addrs = network.addresses(p);
                    found.add(kadPeer(p, addrs));
                }
                return new KadMessage(Type.GET_PROVIDERS, key, null, closerPeers(key, from), found);
            }
            case PING:
            default:
                return new KadMessage(Type.PING, key, null, List.of(), List.of());
        }
    }

    /** Validates and stores {@code value} unless the stored value is better. */
    private void storeIfBetter(byte[] key, byte[] value, long now) throws InvalidRecordException {
        validators.validate(key, value);
        RecordStore.Stored old = records.get(key, now);
        if (old != null && !Arrays.equals(old.value(), value)) {
            boolean oldValid = true;
            try {
                validators.validate(key, old.value());
            } catch (InvalidRecordException e) {
                oldValid = false;
            }
            if (oldValid && validators.select(key, List.of(old.value(), value)) == 0) {
                return; // keep the better one we have
            }
        }
        records.put(key, value, now);
    }

    private List<KadPeer> closerPeers(byte[] key, PeerId requester) {
        List<KadPeer> out = new ArrayList<>();
        for (PeerId p : table.closest(Keys.hash(key), config.k() + 1)) {
            if (p.equals(requester) || out.size() >= config.k()) {
                continue;
            }
            List<Multiaddr> addrs = network.addresses(p);
            if (!addrs.isEmpty()) {
                out.add(kadPeer(p, addrs));
            }
        }
        return out;
    }

    private KadPeer kadPeer(PeerId peer, List<Multiaddr> addrs) {
        return new KadPeer(peer.bytes(), addrs.stream().limit(32).map(Multiaddr::bytes).toList(),
                network.isConnected(peer) ? KadPeer.CONNECTED : KadPeer.NOT_CONNECTED);
    }

    private static List<Multiaddr> parseAddrs(List<byte[]> raw) {
        List<Multiaddr> out = new ArrayList<>();
        for (byte[] a : raw) {
            try {
                out.add(Multiaddr.fromBytes(a).withoutPeerId());
            } catch (RuntimeException e) {
                // an address we cannot parse (unknown protocol): useless to us
            }
        }
        return out;
    }

    /** Peers in a response: valid IDs, addresses remembered; only those we can reach. */
    private List<PeerId> learn(List<KadPeer> peers) {
        List<PeerId> out = new ArrayList<>();
        for (KadPeer kp : peers) {
            PeerId p;
            try {
                p = PeerId.fromBytes(kp.id());
            } catch (MalformedDataException e) {
                continue;
            }
            if (p.equals(self)) {
                continue;
            }
            List<Multiaddr> addrs = parseAddrs(kp.addrs());
            if (!addrs.isEmpty()) {
                network.addAddresses(p, addrs);
            }
            if (!addrs.isEmpty() || !network.addresses(p).isEmpty() || network.isConnected(p)) {
                out.add(p);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ client side

    /** Sends with the request timeout; completes on the engine thread. */
    private CompletableFuture<@Nullable KadMessage> send(PeerId peer, KadMessage request, boolean expectResponse) {
        stats.requestsOut.incrementAndGet();
        CompletableFuture<@Nullable KadMessage> out = new CompletableFuture<>();
        Runnable cancel = scheduler.schedule(() -> out.completeExceptionally(new RoutingException("no answer from "
                + peer + " to " + request.type() + " within " + config.requestTimeoutMs() + " ms")),
                config.requestTimeoutMs());
        CompletionStage<@Nullable KadMessage> sent;
        try {
            sent = network.send(peer, request, expectResponse);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((r, e) -> scheduler.execute(() -> {
            cancel.run();
            if (e != null) {
                out.completeExceptionally(unwrap(e));
            } else {
                out.complete(r);
            }
        }));
        return out.whenComplete((r, e) -> {
            if (e != null) {
                stats.requestsFailed.incrementAndGet();
            }
        });
    }

    /**
     * Runs a lookup for {@code key}: sends {@code request} to ever closer peers; {@code onResponse} sees every
     * answer and returns true to stop. Completes with the finished lookup on the engine thread.
     */
    private CompletableFuture<Lookup> lookup(byte[] key, KadMessage request,
            BiPredicate<PeerId, KadMessage> onResponse) {
        stats.lookups.incrementAndGet();
        Lookup lookup = new Lookup(Keys.hash(key), config.k(), config.alpha(), self);
        lookup.addCandidates(table.closest(Keys.hash(key), config.k()));
        CompletableFuture<Lookup> done = new CompletableFuture<>();
        step(lookup, request, onResponse, done);
        return done;
    }

    private void step(Lookup lookup, KadMessage request, BiPredicate<PeerId, KadMessage> onResponse,
            CompletableFuture<Lookup> done) {
        if (done.isDone()) {
            return;
        }
        for (PeerId p : lookup.next()) {
            send(p, request, true).whenComplete((response, e) -> {
                if (done.isDone()) {
                    return;
                }
                if (e != null || response == null) {
                    lookup.failed(p);
                    table.remove(p);
                } else {
                    table.add(p, scheduler.nowMillis()); // it answered: a server
                    lookup.succeeded(p, learn(response.closerPeers()));
                    boolean stop;
                    try {
                        stop = onResponse.test(p, response);
                    } catch (RuntimeException ex) {
                        stop = false;
                    }
                    if (stop) {
                        lookup.stop();
                    }
                }
                step(lookup, request, onResponse, done);
            });
        }
        if (lookup.isDone()) {
            lookup.stop();
            done.complete(lookup);
        }
    }

    /** The k closest server peers to {@code key} that answered a FIND_NODE lookup. */
    public CompletableFuture<List<PeerId>> closestPeers(byte[] key) {
        return onThread(() -> closestPeersNow(key));
    }

    private CompletableFuture<List<PeerId>> closestPeersNow(byte[] key) {
        return lookup(key, KadMessage.request(Type.FIND_NODE, key), (p, r) -> false)
                .thenApply(l -> l.closestSucceeded(config.k()));
    }

    /** Finds {@code target}'s addresses: known ones, else a FIND_NODE lookup that stops when it sees them. */
    public CompletableFuture<List<Multiaddr>> findPeer(PeerId target) {
        return onThread(() -> {
            if (target.equals(self)) {
                return CompletableFuture.completedFuture(network.addresses(self));
            }
            byte[] key = target.bytes();
            Set<Multiaddr> found = new LinkedHashSet<>();
            return lookup(key, KadMessage.request(Type.FIND_NODE, key), (p, r) -> {
                if (p.equals(target)) {
                    found.addAll(network.addresses(target));
                }
                for (KadPeer kp : r.closerPeers()) {
                    if (Arrays.equals(kp.id(), key)) {
                        found.addAll(parseAddrs(kp.addrs()));
                    }
                }
                return !found.isEmpty();
            }).thenCompose(l -> {
                if (found.isEmpty()) {
                    return CompletableFuture.failedFuture(new RoutingException("peer " + target
                            + " not found: asked " + l.queried() + " DHT peers (routing table holds "
                            + table.size() + ")"));
                }
                return CompletableFuture.completedFuture(List.copyOf(found));
            });
        });
    }

    /** Validates, stores locally and on the k closest peers; completes with the number of remote copies. */
    public CompletableFuture<Integer> put(byte[] key, byte[] value) {
        return onThread(() -> {
            try {
                storeIfBetter(key, value, scheduler.nowMillis()); // validates first
            } catch (InvalidRecordException e) {
                return CompletableFuture.failedFuture(new RoutingException("invalid record: " + e.getMessage()));
            } catch (IllegalStateException e) {
                // our store is full: still store it remotely
            }
            return closestPeersNow(key).thenCompose(peers -> putTo(peers, key, value)).thenCompose(n -> n > 0
                    ? CompletableFuture.completedFuture(n)
                    : CompletableFuture.failedFuture(new RoutingException("no DHT peer stored the record (routing "
                            + "table holds " + table.size() + " peers)")));
        });
    }

    private CompletableFuture<Integer> putTo(List<PeerId> peers, byte[] key, byte[] value) {
        KadMessage put = new KadMessage(Type.PUT_VALUE, key, new KadRecord(key, value, Instant.ofEpochMilli(
                scheduler.nowMillis()).toString()), List.of(), List.of());
        List<CompletableFuture<Boolean>> sends = new ArrayList<>();
        for (PeerId p : peers) {
            sends.add(send(p, put, true).handle((r, e) -> e == null && r != null));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v ->
                (int) sends.stream().filter(CompletableFuture::join).count());
    }

    /**
     * The best value for {@code key} once {@code quorum} valid answers (ours included) are in, or when the lookup
     * ends. Peers that answered with an outdated value, and the closest peers without one, get the best value.
     */
    public CompletableFuture<byte[]> get(byte[] key, int quorum) {
        return onThread(() -> {
            Map<PeerId, byte[]> answers = new LinkedHashMap<>();
            List<byte[]> values = new ArrayList<>();
            RecordStore.Stored local = records.get(key, scheduler.nowMillis());
            if (local != null) {
                try {
                    validators.validate(key, local.value());
                    values.add(local.value());
                } catch (InvalidRecordException e) {
                    records.remove(key);
                }
            }
            if (values.size() >= quorum) {
                return CompletableFuture.completedFuture(values.get(0));
            }
            return lookup(key, KadMessage.request(Type.GET_VALUE, key), (p, r) -> {
                KadRecord rec = r.record();
                if (rec != null && Arrays.equals(rec.key(), key)) {
                    try {
                        validators.validate(key, rec.value());
                        answers.put(p, rec.value());
                        values.add(rec.value());
                    } catch (InvalidRecordException e) {
                        stats.invalidRecords.incrementAndGet();
                    }
                }
                return values.size() >= quorum;
            }).thenCompose(l -> {
                if (values.isEmpty()) {
                    return CompletableFuture.failedFuture(new RoutingException("no valid record for the key: asked "
                            + l.queried() + " DHT peers"));
                }
                byte[] best;
                try {
                    best = values.get(validators.select(key, values));
                } catch (InvalidRecordException e) {
                    return CompletableFuture.failedFuture(new RoutingException(e.getMessage()));
                }
                List<PeerId> correct = new ArrayList<>();
                answers.forEach((p, v) -> {
                    if (!Arrays.equals(v, best)) {
                        correct.add(p);
                    }
                });
                for (PeerId p : l.closestSucceeded(config.k())) {
                    if (!answers.containsKey(p) && correct.size() < config.k()) {
                        correct.add(p);
                    }
                }
                try {
                    storeIfBetter(key, best, scheduler.nowMillis());
                } catch (InvalidRecordException | IllegalStateException e) {
                    // keep what we have
                }
                if (!correct.isEmpty()) {
                    putTo(correct, key, best);
                }
                return CompletableFuture.completedFuture(best);
            });
        });
    }

    /** Announces this node as a provider of {@code key} to the k closest peers; completes with how many. */
    public CompletableFuture<Integer> provide(byte[] key) {
        return onThread(() -> {
            try {
                providers.add(key, self, scheduler.nowMillis());
            } catch (IllegalStateException e) {
                // full: announce remotely anyway
            }
            return closestPeersNow(key).thenCompose(peers -> {
                KadMessage add = new KadMessage(Type.ADD_PROVIDER, key, null, List.of(),
                        List.of(kadPeer(self, network.addresses(self))));
                List<CompletableFuture<Boolean>> sends = new ArrayList<>();
                for (PeerId p : peers) {
                    sends.add(send(p, add, false).handle((r, e) -> e == null));
                }
                return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                    int n = (int) sends.stream().filter(CompletableFuture::join).count();
                    return n > 0 ? CompletableFuture.completedFuture(n) : CompletableFuture.failedFuture(
                            new RoutingException("no DHT peer took the provider record (routing table holds "
                                    + table.size() + " peers)"));
                });
            });
        });
    }

    /** Up to {@code max} providers of {@code key}: ours first, then those a GET_PROVIDERS lookup finds. */
    public CompletableFuture<List<PeerInfo>> findProviders(byte[] key, int max) {
        return onThread(() -> {
            Map<PeerId, PeerInfo> found = new LinkedHashMap<>();
            for (PeerId p : providers.get(key, scheduler.nowMillis())) {
                if (found.size() < max) {
                    found.put(p, new PeerInfo(p, network.addresses(p)));
                }
            }
            if (found.size() >= max) {
                return CompletableFuture.completedFuture(List.copyOf(found.values()));
            }
            return lookup(key, KadMessage.request(Type.GET_PROVIDERS, key), (p, r) -> {
                for (KadPeer kp : r.providerPeers()) {
                    try {
                        PeerId id = PeerId.fromBytes(kp.id());
                        List<Multiaddr> addrs = parseAddrs(kp.addrs());
                        if (!addrs.isEmpty() && !id.equals(self)) {
                            network.addAddresses(id, addrs);
                        }
                        if (found.size() < max) {
                            found.merge(id, new PeerInfo(id, addrs), (a, b) -> a.addresses().isEmpty() ? b : a);
                        }
                    } catch (MalformedDataException e) {
                        // skip
                    }
                }
                return found.size() >= max;
            }).thenApply(l -> List.copyOf(found.values()));
        });
    }

    /**
     * Expires stored records, then looks up this node's own key and a random key in every bucket (up to 15) not
     * refreshed within the refresh interval, one after the other.
     */
    public CompletableFuture<Void> refresh() {
        return onThread(() -> {
            long now = scheduler.nowMillis();
            records.expire(now);
            providers.expire(now);
            CompletableFuture<?> chain = closestPeersNow(self.bytes());
            int highest = Math.min(15, table.highestNonEmpty());
            for (int i = 0; i <= highest; i++) {
                int bucket = i;
                if (now - table.lastRefreshed(bucket) < config.refreshIntervalMs() && table.lastRefreshed(bucket) > 0) {
                    continue;
                }
                chain = chain.thenCompose(x -> {
                    table.refreshed(bucket, scheduler.nowMillis());
                    return closestPeersNow(randomKeyInBucket(bucket));
                });
            }
            return chain.thenApply(x -> (Void) null);
        });
    }

    /** A random key whose hash shares exactly {@code cpl} leading bits with ours. */
    byte[] randomKeyInBucket(int cpl) {
        byte[] key = new byte[16];
        while (true) {
            random.nextBytes(key);
            if (Keys.commonPrefixLength(Keys.hash(key), selfHash) == cpl) {
                return key.clone();
            }
        }
    }
}
