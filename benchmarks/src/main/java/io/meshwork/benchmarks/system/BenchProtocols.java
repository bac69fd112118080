package io.meshwork.benchmarks.system;

import static io.meshwork.testing.TestProtocols.CHUNK;
import static io.meshwork.testing.TestProtocols.ECHO;
import static io.meshwork.testing.TestProtocols.SINK;
import static io.meshwork.testing.TestProtocols.SOURCE;
import static io.meshwork.testing.TestProtocols.sendAfterLength;
import static io.meshwork.testing.TestProtocols.sha256;
import static io.meshwork.testing.TestProtocols.u64;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.testing.TestProtocols;
import io.meshwork.testing.TestProtocols.Generator;
import io.meshwork.testing.TestProtocols.Pump;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The benchmark-only protocols both sides serve (node-peer.mjs has the js twins) and the Java client side of every
 * measurement. Everything runs on the streams' executors (no thread hand-off per message), with at most
 * {@link TestProtocols#MAX_OUTSTANDING} writes of {@link TestProtocols#CHUNK} bytes in flight. Echo, sink and source
 * are the shared test protocols of {@link TestProtocols}.
 *
 * <ul>
 * <li>{@value #DISCARD}: reads until the remote half-closes, replies with the byte count (8 bytes BE).</li>
 * <li>{@value #BLAST}: reads an 8-byte BE length N, sends N bytes (one fixed 64 KiB chunk over and over).</li>
 * </ul>
 */
final class BenchProtocols {

    static final String DISCARD = "/meshwork/bench/discard/1.0.0";
    static final String BLAST = "/meshwork/bench/blast/1.0.0";
    /** The fixed chunk of discard/blast: never modified, so it may be in flight several times at once. */
    static final byte[] FIXED = new Generator().next(CHUNK);

    private BenchProtocols() {
    }

    // ------------------------------------------------------------------ handlers (echo, sink, source: TestProtocols)

    static StreamHandler discard() {
        return stream -> stream.setReader(new DuplexReader() {
            private long count;

            @Override
            public void onData(ByteBuffer data) {
                count += data.remaining();
                data.position(data.limit());
            }

            @Override
            public void onEnd() {
                stream.write(u64(count));
                stream.closeWrite();
            }
        });
    }

    static StreamHandler blast() {
        return stream -> sendAfterLength(stream, () -> n -> ByteBuffer.wrap(FIXED, 0, n));
    }

    // ------------------------------------------------------------------ client side

    /** Reads exactly {@code n} bytes, then completes (later data is ignored). */
    static final class Exactly implements DuplexReader {
        final ByteBuffer got;
        final CompletableFuture<ByteBuffer> done = new CompletableFuture<>();

        Exactly(int n) {
            got = ByteBuffer.allocate(n);
        }

        @Override
        public void onData(ByteBuffer data) {
            while (got.hasRemaining() && data.hasRemaining()) {
                got.put(data.get());
            }
            data.position(data.limit());
            if (!got.hasRemaining()) {
                done.complete(got.flip());
            }
        }

        @Override
        public void onClose(Throwable cause) {
            done.completeExceptionally(cause != null ? cause : new IllegalStateException("closed before the reply"));
        }
    }

    /** Counts (and optionally hashes) until the remote half-closes; completes with the count. */
    static final class Counter implements DuplexReader {
        private final MessageDigest md;
        long count;
        final CompletableFuture<Long> done = new CompletableFuture<>();

        Counter(boolean hash) {
            md = hash ? sha256() : null;
        }

        @Override
        public void onData(ByteBuffer data) {
            count += data.remaining();
            if (md != null) {
                md.update(data);
            } else {
                data.position(data.limit());
            }
        }

        @Override
        public void onEnd() {
            done.complete(count);
        }

        @Override
        public void onClose(Throwable cause) {
            done.completeExceptionally(cause != null ? cause : new IllegalStateException("closed without end"));
        }

        String sha() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    /** Seconds for one upload of {@code total} bytes: to DISCARD (fixed chunk) or, verified, to SINK. */
    static double upload(Host host, PeerId peer, long total, boolean verified) throws Exception {
        long t0 = System.nanoTime();
        var stream = host.newStream(peer, List.of(verified ? SINK : DISCARD)).toCompletableFuture().get();
        Exactly reply = new Exactly(verified ? 40 : 8);
        stream.setReader(reply);
        MessageDigest md = verified ? sha256() : null;
        Generator gen = new Generator();
        IntFunction<ByteBuffer> chunks = verified
                ? n -> {
                    byte[] b = gen.next(n);
                    md.update(b);
                    return ByteBuffer.wrap(b);
                }
                : n -> ByteBuffer.wrap(FIXED, 0, n);
        CompletableFuture<Object> failure = new CompletableFuture<>();
        stream.executor().execute(new Pump(stream, total, chunks, failure));
        ByteBuffer answer = CompletableFuture.anyOf(reply.done, failure).thenCompose(x -> reply.done).get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long count = answer.getLong();
        if (count != total) {
            throw new IllegalStateException("remote counted " + count + " of " + total + " bytes");
        }
        if (verified) {
            byte[] sha = new byte[32];
            answer.get(sha);
            if (!Arrays.equals(sha, md.digest())) {
                throw new IllegalStateException("sink SHA-256 mismatch");
            }
        }
        stream.close();
        return seconds;
    }

    /** Seconds for one download of {@code total} bytes: from BLAST or, verified, from SOURCE. */
    static double download(Host host, PeerId peer, long total, boolean verified, String expectedSha)
            throws Exception {
        long t0 = System.nanoTime();
        var stream = host.newStream(peer, List.of(verified ? SOURCE : BLAST)).toCompletableFuture().get();
        Counter counter = new Counter(verified);
        stream.setReader(counter);
        stream.write(u64(total));
        stream.closeWrite();
        long count = counter.done.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (count != total) {
            throw new IllegalStateException("got " + count + " of " + total + " bytes");
        }
        if (verified && !counter.sha().equals(expectedSha)) {
            throw new IllegalStateException("source SHA-256 mismatch");
        }
        stream.close();
        return seconds;
    }

    /** Round trips of {@code size} bytes on one echo stream, driven from its executor; RTTs in ns (after warm-up). */
    static long[] echoRtt(Host host, PeerId peer, int size, int warmup, int count) throws Exception {
        var stream = host.newStream(peer, List.of(ECHO)).toCompletableFuture().get();
        byte[] payload = new byte[size];
        new java.util.Random(42).nextBytes(payload);
        long[] rtts = new long[count];
        EchoLoop loop = new EchoLoop(stream, payload, warmup, count);
        stream.setReader(loop);
        stream.executor().execute(loop::send); // every send runs on the executor
        long[] result = loop.done.get();
        stream.closeWrite();
        stream.close();
        return result;
    }

    private static final class EchoLoop implements DuplexReader {
        private final Duplex stream;
        private final byte[] payload;
        private final int warmup;
        private final int count;
        private final long[] rtts;
        final CompletableFuture<long[]> done = new CompletableFuture<>();
        private int have;
        private int i;
        private long t0;

        EchoLoop(Duplex stream, byte[] payload, int warmup, int count) {
            this.stream = stream;
            this.payload = payload;
            this.warmup = warmup;
            this.count = count;
            this.rtts = new long[count];
        }

        void send() {
            t0 = System.nanoTime();
            stream.write(ByteBuffer.wrap(payload)).whenComplete((v, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                }
            });
        }

        @Override
        public void onData(ByteBuffer data) {
            have += data.remaining();
            data.position(data.limit());
            if (have > payload.length) {
                done.completeExceptionally(new IllegalStateException("echo sent more than asked"));
            } else if (have == payload.length) {
                long rtt = System.nanoTime() - t0;
                have = 0;
                if (i >= warmup) {
                    rtts[i - warmup] = rtt;
                }
                if (++i == warmup + count) {
                    done.complete(rtts);
                } else {
                    send();
                }
            }
        }

        @Override
        public void onClose(Throwable cause) {
            done.completeExceptionally(cause != null ? cause : new IllegalStateException("closed"));
        }
    }

    /**
     * A new echo stream per ping: open, send 32 bytes and half-close, read 32 bytes and the end. Driven
     * asynchronously, one at a time; returns the RTTs in ns (after warm-up) and, last, the total ns of the timed ones.
     */
    static long[] pingNew(Host host, PeerId peer, int warmup, int count) throws Exception {
        byte[] payload = new byte[32];
        new java.util.Random(7).nextBytes(payload);
        long[] out = new long[count + 1];
        CompletableFuture<long[]> done = new CompletableFuture<>();
        new Object() {
            int i;
            long start;

            void next() {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                if (i == warmup + count) {
                    out[count] = System.nanoTime() - start;
                    done.complete(out);
                    return;
                }
                long t0 = System.nanoTime();
                host.newStream(peer, List.of(ECHO)).whenComplete((stream, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                        return;
                    }
                    stream.setReader(new DuplexReader() {
                        int have;

                        @Override
                        public void onData(ByteBuffer data) {
                            have += data.remaining();
                            data.position(data.limit());
                        }

                        @Override
                        public void onEnd() {
                            long rtt = System.nanoTime() - t0;
                            if (have != 32) {
                                done.completeExceptionally(new IllegalStateException("echo returned " + have));
                                return;
                            }
                            if (i >= warmup) {
                                out[i - warmup] = rtt;
                            }
                            i++;
                            stream.close();
                            next();
                        }

                        @Override
                        public void onClose(Throwable cause) {
                            if (cause != null) {
                                done.completeExceptionally(cause);
                            }
                        }
                    });
                    stream.write(ByteBuffer.wrap(payload));
                    stream.closeWrite();
                });
            }
        }.next();
        return done.get();
    }
}
