package io.meshwork.libp2p.daemon.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.multiaddr.Protocol;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.pubsub.PubSub;
import io.meshwork.libp2p.api.pubsub.PubSubMessage;
import io.meshwork.libp2p.api.pubsub.Subscription;
import io.meshwork.libp2p.daemon.internal.proto.ControlRequest;
import io.meshwork.libp2p.daemon.internal.proto.ControlResponse;
import io.meshwork.libp2p.daemon.internal.proto.DaemonCodec;
import io.meshwork.libp2p.daemon.internal.proto.PsMessage;
import io.meshwork.libp2p.daemon.internal.proto.StreamInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannel;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: accepts control connections on loopback TCP, reads one varint-delimited {@code Request} from
 * each and answers it. STREAM_OPEN and accepted STREAM_HANDLER streams turn the control connection into the raw
 * stream (spliced); SUBSCRIBE turns it into a stream of {@code PSMessage}s. Everything is bounded: connections,
 * request size, request time, handler registrations, bytes queued per splice and messages queued per subscriber.
 * Runs on its own two I/O threads and one timer thread, all stopped by {@link #close()}.
 */
final class ControlServer implements AutoCloseable {

    record Settings(int maxConnections, int maxMessageSize, int maxStreamHandlers, long requestTimeoutMs,
                    long operationTimeoutMs, int spliceBuffer, int subscriptionQueue) {
        static Settings of(DaemonConfig c) {
            return new Settings(c.max_connections(), c.max_message_size(), c.max_stream_handlers(),
                    c.request_timeout_ms(), c.operation_timeout_ms(), c.splice_buffer(), c.subscription_queue());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final int FIRST_READ = 4096;

    private final Host host;
    private final Supplier<@Nullable PubSub> pubsub;
    private final DhtRequests dht;
    private final HandlerRegistrar registrar;
    private final Settings settings;
    private final ScheduledExecutorService timer;
    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel server;
    private final InetSocketAddress address;
    private final Set<AsynchronousChannel> open = ConcurrentHashMap.newKeySet();
    private final Map<String, HandlerRegistrar.Registration> handlers = new LinkedHashMap<>(); // guarded by this
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicLong droppedMessages = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ControlServer(Host host, Supplier<@Nullable PubSub> pubsub, DhtRequests dht, HandlerRegistrar registrar,
                  Settings settings, InetSocketAddress bind) throws IOException {
        this.host = host;
        this.pubsub = pubsub;
        this.dht = dht;
        this.registrar = registrar;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("meshwork-daemon-timer"));
        AsynchronousChannelGroup g = null;
        AsynchronousServerSocketChannel s = null;
        try {
            g = AsynchronousChannelGroup.withFixedThreadPool(2, threads("meshwork-daemon-io"));
            s = AsynchronousServerSocketChannel.open(g).bind(bind, 64);
            this.address = (InetSocketAddress) s.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            if (g != null) {
                g.shutdownNow();
            }
            timer.shutdownNow();
            throw e;
        }
        this.group = g;
        this.server = s;
        accept();
    }

    /** The control socket's address as a multiaddr. */
    Multiaddr multiaddr() {
        return Multiaddr.fromInetSocketAddress(address, Protocol.TCP);
    }

    /**
     * Runs {@code announce} on the timer thread as soon as {@code ready} holds (checked every 20 ms), or after
     * {@code maxWaitMs} regardless.
     */
    void announceWhen(java.util.function.BooleanSupplier ready, long maxWaitMs, Runnable announce) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (closed) {
                return;
            }
            if (ready.getAsBoolean() || System.nanoTime() >= deadline) {
                announce.run();
            } else {
                timer.schedule(check[0], 20, TimeUnit.MILLISECONDS);
            }
        };
        timer.execute(check[0]);
    }

    int openConnections() {
        return open.size();
    }

    synchronized int registeredHandlers() {
        return handlers.size();
    }

    long droppedMessages() {
        return droppedMessages.get();
    }

    /** ERROR responses sent. */
    long errors() {
        return errors.get();
    }

    /** Requests received, by type name ("UNKNOWN" and "MALFORMED" included); a snapshot. */
    Map<String, Long> requests() {
        Map<String, Long> out = new java.util.TreeMap<>();
        requests.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private void count(String type) {
        requests.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        List<HandlerRegistrar.Registration> regs;
        synchronized (this) {
            regs = new ArrayList<>(handlers.values());
            handlers.clear();
        }
        regs.forEach(ControlServer::closeQuietly);
        subscriptions.forEach(ControlServer::closeQuietly);
        subscriptions.clear();
        open.forEach(ControlServer::closeQuietly);
        open.clear();
        try {
            group.shutdownNow();
        } catch (IOException e) {
            LOG.debug("Closing the control socket's channels: {}", e.toString());
        }
        timer.shutdownNow();
        try {
            group.awaitTermination(5, TimeUnit.SECONDS);
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ accepting

    private void accept() {
        if (closed) {
            return;
        }
        server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel channel, Void a) {
                accept();
                if (closed || open.size() >= settings.maxConnections()) {
                    LOG.debug("Refusing a control connection: {} open (limit {})", open.size(),
                            settings.maxConnections());
                    closeQuietly(channel);
                    return;
                }
                open.add(channel);
                new ControlConnection(channel).readRequest();
            }

            @Override
            public void failed(Throwable e, Void a) {
                if (!closed && !(e instanceof AsynchronousCloseException)) {
                    LOG.warn("Control socket accept failed: {}", e.toString());
                    timer.schedule(ControlServer.this::accept, 100, TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    /** One control connection: reads the request, answers it, and closes (or becomes a stream/subscription). */
    private final class ControlConnection {
        private final AsynchronousSocketChannel channel;
        private final SocketWriter writer;
        private ByteBuffer buffer = ByteBuffer.allocate(FIRST_READ);
        private @Nullable ScheduledFuture<?> timeout;

        ControlConnection(AsynchronousSocketChannel channel) {
            this.channel = channel;
            this.writer = new SocketWriter(channel);
        }

        void readRequest() {
            timeout = timer.schedule(this::close, settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
            readMore();
        }

        private void readMore() {
            channel.read(buffer, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void a) {
                    if (n < 0) {
                        close();
                        return;
                    }
                    tryParse();
                }

                @Override
                public void failed(Throwable e, Void a) {
                    close();
                }
            });
        }

        private void tryParse() {
            ByteBuffer in = buffer.duplicate().flip();
            boolean complete = false; // the prefix's last byte (high bit clear) has arrived
            for (int i = 0; i < in.limit() && i < Varint.MAX_LENGTH; i++) {
                if ((in.get(i) & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete && in.limit() < Varint.MAX_LENGTH) {
                readMore();
                return;
            }
            long length;
            try {
                length = Varint.decode(in); // too long or not minimal: refused
            } catch (MalformedDataException e) {
                respondAndClose(ControlResponse.error("malformed request: bad length prefix"));
                return;
            }
            int prefix = in.position();
            if (length > settings.maxMessageSize()) {
                respondAndClose(ControlResponse.error("request of " + length + " bytes exceeds the limit of "
                        + settings.maxMessageSize() + " bytes"));
                return;
            }
            int total = prefix + (int) length;
            if (in.limit() < total) {
                if (buffer.capacity() < total) {
                    ByteBuffer bigger = ByteBuffer.allocate(total);
                    buffer.flip();
                    bigger.put(buffer);
                    buffer = bigger;
                }
                readMore();
                return;
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            byte[] body = new byte[(int) length];
            in.get(body);
            ByteBuffer leftover = ByteBuffer.allocate(in.remaining()).put(in).flip();
            buffer = ByteBuffer.allocate(0);
            dispatch(body, leftover);
        }

        private void dispatch(byte[] body, ByteBuffer leftover) {
            ControlRequest request;
            try {
                request = DaemonCodec.decodeRequest(body);
            } catch (MalformedDataException e) {
                count("MALFORMED");
                respondAndClose(ControlResponse.error("malformed request: " + e.getMessage()));
                return;
            }
            ControlRequest.Type type = request.knownType();
            LOG.debug("Control request {}", type == null ? request.type() : type);
            count(type == null ? "UNKNOWN" : type.name());
            if (type == null) {
                respondAndClose(ControlResponse.error("unknown request type " + request.type()));
                return;
            }
            try {
                switch (type) {
                    case IDENTIFY -> respondAndClose(ControlResponse.identify(host.peerId(), host.listenAddresses()));
                    case LIST_PEERS -> respondAndClose(ControlResponse.peers(peers()));
                    case CONNECT -> {
                        ControlRequest.Connect c = require(request.connect(), "CONNECT", "connect");
                        answer(connect(c.peer(), c.addrs(), timeoutMs(c.timeoutSeconds()))
                                .thenApply(conn -> ControlResponse.okEmpty()));
                    }
                    case DISCONNECT -> answer(disconnect(require(request.disconnect(), "DISCONNECT",
                            "disconnect")));
                    case STREAM_OPEN -> streamOpen(require(request.streamOpen(), "STREAM_OPEN", "streamOpen"),
                            leftover);
                    case STREAM_HANDLER -> respondAndClose(registerHandler(require(request.streamHandler(),
                            "STREAM_HANDLER", "streamHandler")));
                    case DHT -> {
                        ControlRequest.Dht d = require(request.dht(), "DHT", "dht");
                        answerDht(withTimeout(dht.handle(d), timeoutMs(d.timeoutSeconds()), "DHT request"));
                    }
                    case PUBSUB -> pubsub(require(request.pubsub(), "PUBSUB", "pubsub"));
                    default -> respondAndClose(ControlResponse.error(type + " requests are not supported"));
                }
            } catch (RequestException e) {
                respondAndClose(ControlResponse.error(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.debug("Control request {} failed", type, e);
                respondAndClose(ControlResponse.error(describe(e)));
            }
        }

        private void answer(CompletionStage<ControlResponse> response) {
            response.whenComplete((r, e) -> respondAndClose(e == null ? r : ControlResponse.error(describe(e))));
        }

        /** Sends the DHT answer's messages, each framed, in one write, then closes. */
        private void answerDht(CompletionStage<DhtRequests.Answer> answer) {
            answer.whenComplete((a, e) -> {
                if (e != null) {
                    respondAndClose(ControlResponse.error(describe(e)));
                    return;
                }
                if (!a.ok()) {
                    errors.incrementAndGet();
                }
                List<ByteBuffer> frames = a.messages().stream().map(VarintFrames::frame).toList();
                ByteBuffer all = ByteBuffer.allocate(frames.stream().mapToInt(ByteBuffer::remaining).sum());
                frames.forEach(all::put);
                writer.write(all.flip()).whenComplete((v, we) -> close());
            });
        }

        private void respondAndClose(ControlResponse response) {
            if (!response.ok()) {
                errors.incrementAndGet();
            }
            writer.write(VarintFrames.frame(DaemonCodec.encode(response))).whenComplete((v, e) -> close());
        }

        private void close() {
            open.remove(channel);
            closeQuietly(channel);
        }

        // -------------------------------------------------------------- streams

        private void streamOpen(ControlRequest.StreamOpen request, ByteBuffer leftover) {
            if (request.protocols().isEmpty()) {
                throw new RequestException("STREAM_OPEN needs at least one protocol");
            }
            withTimeout(host.newStream(request.peer(), request.protocols()), timeoutMs(request.timeoutSeconds()),
                    "opening a stream to " + request.peer()).whenComplete((stream, e) -> {
                if (e != null) {
                    respondAndClose(ControlResponse.error(describe(e)));
                    return;
                }
                ControlResponse ok = ControlResponse.streamInfo(info(stream));
                writer.write(VarintFrames.frame(DaemonCodec.encode(ok))).whenComplete((v, we) -> {
                    if (we != null) {
                        stream.reset();
                        close();
                    }
                });
                Splice.start(channel, writer, stream, leftover, settings.spliceBuffer(), () -> open.remove(channel));
            });
        }

        // -------------------------------------------------------------- pubsub

        private void pubsub(ControlRequest.PubSub request) {
            PubSub ps = pubsub.get();
            if (ps == null) {
                throw new RequestException("pubsub not available in this node");
            }
            switch (request.type()) {
                case ControlRequest.PubSub.GET_TOPICS -> respondAndClose(ControlResponse.pubsub(
                        new ControlResponse.PubSubResponse(List.copyOf(ps.topics()), List.of())));
                case ControlRequest.PubSub.LIST_PEERS -> respondAndClose(ControlResponse.pubsub(
                        new ControlResponse.PubSubResponse(List.of(), ps.peers(topic(request)))));
                case ControlRequest.PubSub.PUBLISH -> {
                    byte[] data = request.data();
                    answer(ps.publish(topic(request), data == null ? new byte[0] : data)
                            .thenApply(r -> ControlResponse.okEmpty()));
                }
                case ControlRequest.PubSub.SUBSCRIBE -> subscribe(ps, topic(request));
                default -> throw new RequestException("unknown pubsub request type " + request.type());
            }
        }

        private void subscribe(PubSub ps, String topic) {
            AtomicInteger queued = new AtomicInteger();
            writer.write(VarintFrames.frame(DaemonCodec.encode(ControlResponse.okEmpty())));
            Subscription subscription = ps.subscribe(topic, message -> deliver(message, queued));
            subscriptions.add(subscription);
            // the client ends the subscription by closing the connection: wait for that
            ByteBuffer sink = ByteBuffer.allocate(256);
            channel.read(sink, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void a) {
                    if (n < 0) {
                        end();
                    } else {
                        sink.clear(); // a client has nothing to say here; ignore it
                        channel.read(sink, null, this);
                    }
                }

                @Override
                public void failed(Throwable e, Void a) {
                    end();
                }

                private void end() {
                    subscriptions.remove(subscription);
                    closeQuietly(subscription);
                    close();
                }
            });
        }

        private void deliver(PubSubMessage message, AtomicInteger queued) {
            if (queued.incrementAndGet() > settings.subscriptionQueue()) {
                queued.decrementAndGet();
                droppedMessages.incrementAndGet();
                return;
            }
            PeerId author = message.author();
            Long seqno = message.sequenceNumber();
            PsMessage m = new PsMessage(author == null ? null : author.bytes(), message.data(),
                    seqno == null ? null : ByteBuffer.allocate(8).putLong(seqno).array(), List.of(message.topic()));
            writer.write(VarintFrames.frame(DaemonCodec.encode(m))).whenComplete((v, e) -> queued.decrementAndGet());
        }
    }

    // ------------------------------------------------------------------ requests

    private List<ControlResponse.PeerInfo> peers() {
        Map<PeerId, List<Multiaddr>> byPeer = new LinkedHashMap<>();
        for (Connection c : host.connections()) {
            byPeer.computeIfAbsent(c.remotePeer(), p -> new ArrayList<>()).add(c.remoteAddress().withoutPeerId());
        }
        List<ControlResponse.PeerInfo> out = new ArrayList<>();
        byPeer.forEach((p, addrs) -> out.add(new ControlResponse.PeerInfo(p, addrs)));
        return out;
    }

    /**
     * Closes every connection to {@code peer}; answers once they are all closed and gone from the host's list
     * (the host drops a connection right after its close completes, so a LIST_PEERS that follows never sees it).
     */
    private CompletionStage<ControlResponse> disconnect(PeerId peer) {
        List<Connection> conns = host.connections(peer);
        CompletableFuture<ControlResponse> answer = new CompletableFuture<>();
        host.disconnect(peer).thenCompose(v -> CompletableFuture.allOf(conns.stream()
                .map(c -> c.closeFuture().toCompletableFuture()).toArray(CompletableFuture[]::new)))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e);
                    } else {
                        awaitGone(peer, conns, 200, answer);
                    }
                });
        return answer;
    }

    private void awaitGone(PeerId peer, List<Connection> closed, int triesLeft,
                           CompletableFuture<ControlResponse> answer) {
        boolean gone = host.connections(peer).stream().noneMatch(closed::contains);
        if (gone || triesLeft <= 0 || this.closed) {
            answer.complete(ControlResponse.okEmpty());
        } else {
            timer.schedule(() -> awaitGone(peer, closed, triesLeft - 1, answer), 5, TimeUnit.MILLISECONDS);
        }
    }

    /** Connects through the given addresses one after the other, or through the peer store if none are given. */
    private CompletionStage<Connection> connect(PeerId peer, List<Multiaddr> addrs, long timeoutMs) {
        if (addrs.isEmpty()) {
            return withTimeout(host.connect(peer), timeoutMs, "connecting to " + peer);
        }
        List<Multiaddr> targets = new ArrayList<>();
        for (Multiaddr a : addrs) {
            try {
                targets.add(a.withPeerId(peer));
            } catch (IllegalArgumentException e) {
                throw new RequestException("address " + a + " names another peer than " + peer);
            }
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        tryAddress(targets, 0, new ArrayList<>(), result);
        return withTimeout(result, timeoutMs, "connecting to " + peer);
    }

    private void tryAddress(List<Multiaddr> targets, int index, List<String> errors,
                            CompletableFuture<Connection> result) {
        if (result.isDone()) {
            return;
        }
        if (index >= targets.size()) {
            result.completeExceptionally(new RequestException(String.join("; ", errors)));
            return;
        }
        Multiaddr target = targets.get(index);
        host.connect(target).whenComplete((c, e) -> {
            if (e == null) {
                result.complete(c);
            } else {
                errors.add("dial " + target + ": " + describe(e));
                tryAddress(targets, index + 1, errors, result);
            }
        });
    }

    private synchronized ControlResponse registerHandler(ControlRequest.StreamHandler request) {
        if (closed) {
            throw new RequestException("the daemon is stopping");
        }
        if (request.protocols().isEmpty()) {
            throw new RequestException("STREAM_HANDLER needs at least one protocol");
        }
        InetSocketAddress target = request.addr().toInetSocketAddress()
                .filter(a -> request.addr().components().size() == 2
                        && request.addr().components().get(1).protocol() == Protocol.TCP)
                .orElseThrow(() -> new RequestException("stream handler address " + request.addr()
                        + " is not an /ip4|ip6/<host>/tcp/<port> address"));
        long added = request.protocols().stream().distinct().filter(p -> !handlers.containsKey(p)).count();
        if (handlers.size() + added > settings.maxStreamHandlers()) {
            throw new RequestException("too many stream handlers: " + handlers.size() + " registered, limit "
                    + settings.maxStreamHandlers());
        }
        for (String protocol : request.protocols().stream().distinct().toList()) {
            HandlerRegistrar.Registration old = handlers.remove(protocol);
            if (old != null) {
                old.close();
            }
            handlers.put(protocol, registrar.register(List.of(protocol), stream -> inbound(stream, target)));
        }
        LOG.debug("Stream handler for {} at {}", request.protocols(), target);
        return ControlResponse.okEmpty();
    }

    /** An inbound stream for a registered protocol: dial the client, send the StreamInfo, splice. */
    private void inbound(Stream stream, InetSocketAddress target) {
        if (closed || open.size() >= settings.maxConnections()) {
            stream.reset();
            return;
        }
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open(group);
        } catch (IOException e) {
            stream.reset();
            return;
        }
        open.add(channel);
        channel.connect(target, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void v, Void a) {
                SocketWriter writer = new SocketWriter(channel);
                writer.write(VarintFrames.frame(DaemonCodec.encode(info(stream))));
                Splice.start(channel, writer, stream, ByteBuffer.allocate(0), settings.spliceBuffer(),
                        () -> open.remove(channel));
            }

            @Override
            public void failed(Throwable e, Void a) {
                LOG.debug("Stream handler client at {} unreachable: {}", target, e.toString());
                stream.reset();
                open.remove(channel);
                closeQuietly(channel);
            }
        });
    }

    private static StreamInfo info(Stream stream) {
        Connection c = stream.connection();
        return new StreamInfo(c.remotePeer(), c.remoteAddress().withoutPeerId(), stream.protocol());
    }

    private long timeoutMs(long seconds) {
        return seconds > 0 && seconds < Long.MAX_VALUE / 1000 ? seconds * 1000 : settings.operationTimeoutMs();
    }

    private <T> CompletableFuture<T> withTimeout(CompletionStage<T> stage, long millis, String what) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (f.isDone()) {
            return f;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        ScheduledFuture<?> t = timer.schedule(() -> out.completeExceptionally(
                new RequestException(what + " timed out after " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> {
            t.cancel(false);
            if (e != null) {
                out.completeExceptionally(e);
            } else if (!out.complete(v) && v instanceof Stream s) {
                s.reset(); // too late: nobody will use it
            }
        });
        return out;
    }

    private static String topic(ControlRequest.PubSub request) {
        String topic = request.topic();
        if (topic == null || topic.isEmpty()) {
            throw new RequestException("pubsub request without a topic");
        }
        return topic;
    }

    private static <T> T require(@Nullable T part, String type, String field) {
        if (part == null) {
            throw new RequestException(type + " request without its " + field + " field");
        }
        return part;
    }

    /** The messages of {@code e} and its causes, without wrapper noise, e.g. "NO_RESERVATION: ...". */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth < 5; c = c.getCause(), depth++) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (text.indexOf(m) < 0) {
                if (text.length() > 0) {
                    text.append(": ");
                }
                text.append(m);
            }
        }
        return text.toString();
    }

    static void closeQuietly(@Nullable AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A request the daemon refuses; the message goes to the client as the ERROR text. */
    static final class RequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RequestException(String message) {
            super(message);
        }
    }
}
