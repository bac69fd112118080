package io.meshwork.libp2p.core.internal.ping;

import io.meshwork.libp2p.api.host.Libp2pException;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** The ping protocol's constants and its client side: one round trip on an open ping stream. */
public final class Ping {

    public static final String PROTOCOL = "/ipfs/ping/1.0.0";
    static final int SIZE = 32;

    private final Stream stream;
    private final SecureRandom random;
    /** Confined to the stream's executor. */
    private @Nullable Pending pending;
    private final byte[] got = new byte[SIZE];
    private int have;

    private record Pending(byte[] sent, long startNanos, CompletableFuture<Duration> rtt) {
    }

    public Ping(Stream stream, SecureRandom random) {
        this.stream = stream;
        this.random = random;
        stream.setReader(new DuplexReader() {
            @Override
            public void onData(ByteBuffer data) {
                received(data);
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                failPending(new Libp2pException("ping stream closed" + (cause == null ? "" : ": " + cause)));
            }

            @Override
            public void onEnd() {
                failPending(new Libp2pException("the peer closed the ping stream"));
            }
        });
    }

    /** Sends one ping; completes with the round-trip time. One ping at a time per stream. */
    public CompletionStage<Duration> ping() {
        CompletableFuture<Duration> rtt = new CompletableFuture<>();
        byte[] payload = new byte[SIZE];
        random.nextBytes(payload);
        stream.executor().execute(() -> {
            if (pending != null) {
                rtt.completeExceptionally(new IllegalStateException("a ping is already in flight on this stream"));
                return;
            }
            pending = new Pending(payload, System.nanoTime(), rtt);
            stream.write(ByteBuffer.wrap(payload.clone())).whenComplete((v, e) -> {
                if (e != null) {
                    failPending(e);
                }
            });
        });
        return rtt;
    }

    private void received(ByteBuffer data) {
        while (data.hasRemaining()) {
            int n = Math.min(SIZE - have, data.remaining());
            data.get(got, have, n);
            have += n;
            if (have == SIZE) {
                have = 0;
                Pending p = pending;
                pending = null;
                if (p == null) {
                    stream.reset();
                    return;
                }
                if (Arrays.equals(p.sent(), got)) {
                    p.rtt().complete(Duration.ofNanos(System.nanoTime() - p.startNanos()));
                } else {
                    p.rtt().completeExceptionally(new Libp2pException("ping answer does not match the payload"));
                    stream.reset();
                }
            }
        }
    }

    private void failPending(Throwable e) {
        stream.executor().execute(() -> {
            Pending p = pending;
            pending = null;
            if (p != null) {
                p.rtt().completeExceptionally(e);
            }
        });
    }

    public void close() {
        stream.close();
    }
}
