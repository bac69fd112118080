package io.meshwork.libp2p.security.noise.internal;

import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.host.Libp2pException;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.WriteQueueFullException;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.spi.SecureChannel;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Noise-secured connection: runs the handshake over the raw duplex, then encrypts writes into length-prefixed
 * Noise frames and decrypts what arrives.
 *
 * <p>Threading: confined to the raw duplex's executor. Public methods may be called from any thread; they hop onto
 * the executor. Writes made in one executor task are encrypted and sent together at the end of that task, and
 * their stages complete when the raw duplex has sent the frames (so socket backpressure reaches the writer).
 */
final class NoiseConnection implements SecureChannel.Secured, DuplexReader {

    private static final Logger LOG = LoggerFactory.getLogger(NoiseConnection.class);

    private final Duplex raw;
    private final Executor executor;
    private final int maxPendingWrite;
    private final int maxHeldRead;
    private final CompletableFuture<SecureChannel.Secured> handshakeDone = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    // --- executor-confined state ---
    private @Nullable LibP2pNoiseHandshake handshake;
    /** Frames up to this size are received in the connection's own buffers, larger ones in shared ones. */
    private static final int INITIAL_BUFFER = 1024;

    private @Nullable NoiseSession session;
    private @Nullable PeerId remotePeer;
    private @Nullable PublicKey remoteKey;
    private Optional<String> muxer = Optional.empty();

    /** Frames larger than the connection's own small buffers are assembled and decrypted in shared ones. */
    private final FrameBuffers buffers;
    /** This connection's own buffers for small frames (a relay reservation's connection only ever sees those). */
    private final byte[] smallFrame = new byte[INITIAL_BUFFER];
    private final byte[] smallPlain = new byte[INITIAL_BUFFER];
    /**
     * The frame being received: its body, collected from the raw chunks, always starts at offset 0. For a frame
     * larger than {@link #smallFrame}, a buffer taken from {@link #buffers} until the frame is complete: an idle
     * connection holds no large buffer.
     */
    private byte[] frame = smallFrame;
    /** Length of the frame being received, or -1 while its length prefix is read. */
    private int frameLength = -1;
    private int frameHave;
    /** A length prefix split across raw chunks. */
    private final byte[] prefix = new byte[NoiseFramer.LENGTH_PREFIX];
    private int prefixHave;

    private @Nullable DuplexReader reader;
    private boolean paused;
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean rawPausedByUs;
    private boolean endPending;

    private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean flushScheduled;
    private boolean writeClosed;
    private boolean closed;

    private record PendingWrite(ByteBuffer data, CompletableFuture<Void> done) {
    }

    NoiseConnection(Duplex raw, LibP2pNoiseHandshake handshake, int maxPendingWrite, int maxHeldRead,
                    FrameBuffers buffers) {
        this.raw = raw;
        this.buffers = buffers;
        this.executor = raw.executor();
        this.handshake = handshake;
        this.maxPendingWrite = maxPendingWrite;
        this.maxHeldRead = maxHeldRead;
    }

    CompletionStage<SecureChannel.Secured> start() {
        executor.execute(() -> {
            raw.setReader(this);
            try {
                LibP2pNoiseHandshake hs = handshake;
                if (hs != null) {
                    hs.start().ifPresent(this::sendHandshakeMessage);
                }
            } catch (NoiseException | RuntimeException e) {
                failHandshake(e);
            }
        });
        return handshakeDone;
    }

    // ---------------------------------------------------------------- raw reader

    @Override
    public void onData(ByteBuffer data) {
        try {
            while (data.hasRemaining() && !closed) {
                if (frameLength < 0) {
                    if (prefixHave == 0 && data.remaining() >= NoiseFramer.LENGTH_PREFIX) {
                        frameLength = data.getShort() & 0xffff;
                    } else {
                        prefix[prefixHave++] = data.get();
                        if (prefixHave < NoiseFramer.LENGTH_PREFIX) {
                            continue;
                        }
                        prefixHave = 0;
                        frameLength = NoiseFramer.readLength(prefix, 0);
                    }
                    frameHave = 0;
                    frame = frameLength <= smallFrame.length ? smallFrame : buffers.take();
                }
                int n = Math.min(data.remaining(), frameLength - frameHave);
                data.get(frame, frameHave, n);
                frameHave += n;
                if (frameHave == frameLength) {
                    int len = frameLength;
                    frameLength = -1;
                    byte[] body = frame;
                    frame = smallFrame;
                    try {
                        onFrame(body, len);
                    } finally {
                        if (body != smallFrame) {
                            buffers.give(body);
                        }
                    }
                }
            }
        } catch (NoiseException e) {
            if (handshake != null) {
                failHandshake(e);
            } else {
                LOG.warn("Closing Noise connection: {}", e.getMessage());
                fail(new Libp2pException("Noise: " + e.getMessage(), e));
            }
        }
    }

    /** One whole frame body is in {@code frame[0, len)}. */
    private void onFrame(byte[] frame, int len) throws NoiseException {
        if (handshake != null) {
            onHandshakeMessage(Arrays.copyOf(frame, len));
            return;
        }
        NoiseSession s = session;
        if (s == null) {
            return;
        }
        // Hot path: the body starts at offset 0 of its own array (the JDK 17 cipher copies input at any other
        // offset) and decrypts into a plaintext buffer that is only lent to the reader during onData (the Duplex
        // contract); held data is copied.
        byte[] plain = len <= smallPlain.length ? smallPlain : buffers.take();
        try {
            int plainLength = s.decrypt(frame, 0, len, plain, 0);
            deliver(plain, plainLength);
        } finally {
            if (plain != smallPlain) {
                buffers.give(plain);
            }
        }
    }

    private void onHandshakeMessage(byte[] body) throws NoiseException {
        LibP2pNoiseHandshake hs = handshake;
        if (hs == null) {
            return;
        }
        LibP2pNoiseHandshake.Step step = hs.onMessage(body);
        step.outbound().ifPresent(this::sendHandshakeMessage);
        if (step.completion().isPresent()) {
            LibP2pNoiseHandshake.Completion c = step.completion().get();
            handshake = null;
            session = c.session();
            remotePeer = c.remotePeerId();
            remoteKey = c.remoteIdentityKey();
            muxer = c.muxer();
            handshakeDone.complete(this);
        }
    }

    private void sendHandshakeMessage(byte[] body) {
        raw.write(ByteBuffer.wrap(NoiseFramer.frame(body)));
    }

    private void failHandshake(Exception e) {
        closed = true;
        handshakeDone.completeExceptionally(new Libp2pException("Noise handshake failed: " + e.getMessage(), e));
        closeFuture.completeExceptionally(e);
        raw.reset();
    }

    /** Hands {@code n} decrypted bytes to the reader, or holds a copy while it is absent or paused. */
    private void deliver(byte[] buffer, int n) {
        if (n == 0) {
            return;
        }
        DuplexReader r = reader;
        if (r != null && !paused && held.isEmpty()) {
            dispatch(r, ByteBuffer.wrap(buffer, 0, n));
            return;
        }
        byte[] copy = Arrays.copyOf(buffer, n);
        held.add(copy);
        heldBytes += n;
        if (heldBytes > maxHeldRead && !rawPausedByUs) {
            rawPausedByUs = true;
            raw.pauseReading();
        }
    }

    private void dispatch(DuplexReader r, ByteBuffer data) {
        try {
            r.onData(data);
        } catch (RuntimeException e) {
            LOG.warn("Reader of a Noise connection to {} failed; resetting it", remotePeer, e);
            reset();
        }
    }

    private void drainHeld() {
        while (!held.isEmpty() && reader != null && !paused && !closed) {
            byte[] chunk = held.poll();
            heldBytes -= chunk.length;
            dispatch(reader, ByteBuffer.wrap(chunk));
        }
        if (held.isEmpty() && endPending && reader != null && !paused) {
            endPending = false;
            reader.onEnd();
        }
        if (rawPausedByUs && heldBytes <= maxHeldRead / 2 && !paused) {
            rawPausedByUs = false;
            raw.resumeReading();
        }
    }

    @Override
    public void onEnd() {
        if (handshake != null) {
            failHandshake(new DuplexClosedException("connection closed during the Noise handshake"));
            return;
        }
        endPending = true;
        drainHeld();
    }

    @Override
    public void onClose(@Nullable Throwable cause) {
        if (handshake != null && !handshakeDone.isDone()) {
            failHandshake(cause instanceof Exception e ? e
                    : new DuplexClosedException("connection closed during the Noise handshake"));
            return;
        }
        finish(cause);
    }

    // ---------------------------------------------------------------- Duplex

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public PeerId remotePeer() {
        PeerId p = remotePeer;
        if (p == null) {
            throw new IllegalStateException("handshake not complete");
        }
        return p;
    }

    @Override
    public PublicKey remotePublicKey() {
        PublicKey k = remoteKey;
        if (k == null) {
            throw new IllegalStateException("handshake not complete");
        }
        return k;
    }

    @Override
    public Optional<String> muxer() {
        return muxer;
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> {
            if (closed || writeClosed) {
                done.completeExceptionally(new DuplexClosedException("Noise connection is closed for writing"));
                return;
            }
            int n = data.remaining();
            if (pendingBytes + n > maxPendingWrite) {
                done.completeExceptionally(new WriteQueueFullException("Noise write queue full: " + pendingBytes
                        + " bytes pending, limit " + maxPendingWrite + "; wait for earlier writes to complete"));
                return;
            }
            pending.add(new PendingWrite(data, done));
            pendingBytes += n;
            if (!flushScheduled) {
                flushScheduled = true;
                executor.execute(this::flush);
            }
        });
        return done;
    }

    /**
     * Encrypts everything pending into Noise frames and hands them to the raw duplex in one write. The plaintext is
     * read straight from the writers' buffers (see {@link NoiseFramer#encryptPacked}); each writer's stage completes
     * when the raw write does, so its buffer is not touched after that.
     */
    private void flush() {
        flushScheduled = false;
        if (pending.isEmpty() || closed) {
            return;
        }
        NoiseSession s = session;
        if (s == null) {
            return;
        }
        List<ByteBuffer> pieces = new ArrayList<>(pending.size());
        List<CompletableFuture<Void>> batch = new ArrayList<>(pending.size());
        for (PendingWrite w : pending) {
            pieces.add(w.data());
            batch.add(w.done());
        }
        pending.clear();
        pendingBytes = 0;
        try {
            byte[] wire = new byte[NoiseFramer.packedWireLength(pieces)];
            NoiseFramer.encryptPacked(s, pieces, wire, 0);
            raw.write(ByteBuffer.wrap(wire)).whenComplete((v, e) -> {
                for (CompletableFuture<Void> f : batch) {
                    if (e == null) {
                        f.complete(null);
                    } else {
                        f.completeExceptionally(e);
                    }
                }
            });
        } catch (NoiseException e) {
            batch.forEach(f -> f.completeExceptionally(e));
            fail(new Libp2pException("Noise encryption failed: " + e.getMessage(), e));
        }
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> {
            if (writeClosed || closed) {
                done.complete(null);
                return;
            }
            flush();
            writeClosed = true;
            raw.closeWrite().whenComplete((v, e) -> {
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
            });
        });
        return done;
    }

    @Override
    public void reset() {
        onLoop(() -> {
            if (!closed) {
                raw.reset();
                finish(new DuplexClosedException("Noise connection reset locally"));
            }
        });
    }

    @Override
    public void close() {
        onLoop(() -> {
            if (!closed) {
                flush();
                raw.close();
            }
        });
    }

    @Override
    public void setReader(DuplexReader newReader) {
        onLoop(() -> {
            reader = newReader;
            drainHeld();
        });
    }

    @Override
    public void pauseReading() {
        onLoop(() -> {
            if (!paused) {
                paused = true;
                if (!rawPausedByUs) {
                    rawPausedByUs = true;
                    raw.pauseReading();
                }
            }
        });
    }

    @Override
    public void resumeReading() {
        onLoop(() -> {
            if (paused) {
                paused = false;
                drainHeld();
                if (rawPausedByUs && heldBytes <= maxHeldRead / 2) {
                    rawPausedByUs = false;
                    raw.resumeReading();
                }
            }
        });
    }

    @Override
    public boolean isOpen() {
        return !closeFuture.isDone();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    // ---------------------------------------------------------------- internals

    private void onLoop(Runnable task) {
        executor.execute(task);
    }

    private void fail(Throwable cause) {
        if (!closed) {
            raw.reset();
            finish(cause);
        }
    }

    private void finish(@Nullable Throwable cause) {
        if (closed && closeFuture.isDone()) {
            return;
        }
        closed = true;
        DuplexClosedException ex = new DuplexClosedException("Noise connection closed", cause);
        for (PendingWrite w : pending) {
            w.done().completeExceptionally(ex);
        }
        pending.clear();
        pendingBytes = 0;
        held.clear();
        heldBytes = 0;
        if (cause == null) {
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(cause);
        }
        DuplexReader r = reader;
        if (r != null) {
            r.onClose(cause);
        }
    }

    @Override
    public String toString() {
        return "NoiseConnection[" + remotePeer + "]";
    }
}
