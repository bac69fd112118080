package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A client and a server session wired back to back in memory, on one virtual-time loop. Frames wait in each side's
 * sink until {@link #pump()} carries them across (in random chunk sizes), so tests control when the wire moves.
 */
final class SessionPair {

    final VirtualLoop loop = new VirtualLoop();
    final CapturingSink clientOut = new CapturingSink();
    final CapturingSink serverOut = new CapturingSink();
    final List<YamuxStream> clientAccepted = new ArrayList<>();
    final List<YamuxStream> serverAccepted = new ArrayList<>();
    final Endpoint clientEvents = new Endpoint();
    final Endpoint serverEvents = new Endpoint();
    final YamuxSession client;
    final YamuxSession server;
    private final Random random = new Random(7);
    boolean randomChunks = true;
    /** Checked after every chunk carried across and after every round of {@link #pump()}. */
    Runnable invariant = () -> { };
    /** Virtual time that passes per round of {@link #pump()} (the wire's latency, roughly). */
    Duration timePerRound = Duration.ZERO;

    /** Collects a session's listener events. */
    static final class Endpoint implements SessionListener {
        final List<Integer> goAways = new ArrayList<>();
        @Nullable YamuxSessionClosedException closed;
        int closedCalls;

        @Override
        public void onRemoteGoAway(int code) {
            goAways.add(code);
        }

        @Override
        public void onSessionClosed(YamuxSessionClosedException reason) {
            closed = reason;
            closedCalls++;
        }
    }

    SessionPair(YamuxConfig config, Consumer<YamuxStream> clientAcceptor, Consumer<YamuxStream> serverAcceptor) {
        this(config, config, clientAcceptor, serverAcceptor);
    }

    SessionPair(YamuxConfig clientConfig, YamuxConfig serverConfig, Consumer<YamuxStream> clientAcceptor,
            Consumer<YamuxStream> serverAcceptor) {
        client = new YamuxSession(YamuxSession.Role.CLIENT, clientConfig, loop, clientOut, s -> {
            clientAccepted.add(s);
            clientAcceptor.accept(s);
        }, clientEvents);
        server = new YamuxSession(YamuxSession.Role.SERVER, serverConfig, loop, serverOut, s -> {
            serverAccepted.add(s);
            serverAcceptor.accept(s);
        }, serverEvents);
        client.start();
        server.start();
        pump();
    }

    static SessionPair withDefaults(Consumer<YamuxStream> serverAcceptor) {
        return new SessionPair(YamuxConfig.defaults(), s -> { }, serverAcceptor);
    }

    /** Carries frames both ways until both sinks are empty; returns the number of rounds. */
    int pump() {
        int rounds = 0;
        while (clientOut.hasPending() || serverOut.hasPending()) {
            rounds++;
            deliver(clientOut, server);
            deliver(serverOut, client);
            loop.runPending();
            if (!timePerRound.isZero()) {
                loop.advance(timePerRound);
            }
            invariant.run();
        }
        return rounds;
    }

    /** Carries only the frames pending right now, client to server. */
    void deliverClientToServer() {
        deliver(clientOut, server);
    }

    void deliverServerToClient() {
        deliver(serverOut, client);
    }

    private void deliver(CapturingSink from, YamuxSession to) {
        if (!from.hasPending()) {
            return;
        }
        byte[] bytes = from.takeBytes();
        int offset = 0;
        while (offset < bytes.length) {
            int n = randomChunks ? Math.min(bytes.length - offset, 1 + random.nextInt(70_000)) : bytes.length;
            to.onInbound(ByteBuffer.wrap(bytes, offset, n));
            offset += n;
            invariant.run();
        }
    }

    YamuxStream open(YamuxSession session) {
        CompletableFuture<YamuxStream> future = session.openStream();
        pump();
        return future.join();
    }
}
