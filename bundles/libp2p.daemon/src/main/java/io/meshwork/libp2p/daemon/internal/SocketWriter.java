package io.meshwork.libp2p.daemon.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Serialises writes to an {@link AsynchronousSocketChannel} (which allows one pending write at a time): each
 * {@link #write} completes when all of its bytes are in the socket. Callers bound what they queue.
 */
final class SocketWriter {

    private record Item(ByteBuffer buffer, CompletableFuture<Void> done) {
    }

    private final AsynchronousSocketChannel channel;
    private final ArrayDeque<Item> queue = new ArrayDeque<>(); // guarded by this
    private boolean writing; // guarded by this
    private @Nullable Throwable failure; // guarded by this

    SocketWriter(AsynchronousSocketChannel channel) {
        this.channel = channel;
    }

    /** Queues {@code buffer} (owned by the writer until the result completes). */
    CompletableFuture<Void> write(ByteBuffer buffer) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            queue.add(new Item(buffer, done));
            if (writing) {
                return done;
            }
            writing = true;
        }
        next();
        return done;
    }

    /** Half-closes the socket once everything queued before has been written. */
    CompletableFuture<Void> shutdownOutput() {
        return write(ByteBuffer.allocate(0)).thenRun(() -> {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private void next() {
        Item item;
        synchronized (this) {
            item = queue.peek();
            if (item == null) {
                writing = false;
                return;
            }
        }
        if (!item.buffer().hasRemaining()) {
            finish(item);
            return;
        }
        channel.write(item.buffer(), item, new CompletionHandler<Integer, Item>() {
            @Override
            public void completed(Integer written, Item it) {
                if (it.buffer().hasRemaining()) {
                    channel.write(it.buffer(), it, this);
                } else {
                    finish(it);
                }
            }

            @Override
            public void failed(Throwable e, Item it) {
                fail(e);
            }
        });
    }

    private void finish(Item item) {
        synchronized (this) {
            queue.poll();
        }
        item.done().complete(null);
        next();
    }

    private void fail(Throwable e) {
        Item[] items;
        synchronized (this) {
            failure = e;
            items = queue.toArray(new Item[0]);
            queue.clear();
            writing = false;
        }
        for (Item i : items) {
            i.done().completeExceptionally(e);
        }
    }
}
