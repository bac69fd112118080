package io.meshwork.libp2p.transport.tcp.internal;

import io.meshwork.libp2p.api.io.DuplexReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A reader that keeps what arrives and records the contract: nothing after onClose, onClose exactly once. */
class Collector implements DuplexReader {

    final CompletableFuture<Void> end = new CompletableFuture<>();
    /** The onClose cause, empty for a clean close. */
    final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final AtomicInteger violations = new AtomicInteger();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(int size, CompletableFuture<byte[]> future) {
    }

    @Override
    public void onData(ByteBuffer data) {
        if (closed.isDone() || end.isDone()) {
            violations.incrementAndGet();
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        synchronized (this) {
            bytes.writeBytes(copy);
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter waiter = it.next();
                if (bytes.size() >= waiter.size()) {
                    it.remove();
                    waiter.future().complete(bytes.toByteArray());
                }
            }
        }
    }

    @Override
    public void onEnd() {
        if (closed.isDone() || !end.complete(null)) {
            violations.incrementAndGet();
        }
    }

    @Override
    public void onClose(@Nullable Throwable cause) {
        closeCalls.incrementAndGet();
        closed.complete(Optional.ofNullable(cause));
    }

    /** Completes with everything received once at least {@code size} bytes arrived. */
    synchronized CompletableFuture<byte[]> received(int size) {
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        if (bytes.size() >= size) {
            future.complete(bytes.toByteArray());
        } else {
            waiters.add(new Waiter(size, future));
        }
        return future;
    }

    synchronized int size() {
        return bytes.size();
    }
}
