package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.spi.StreamMuxer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Many streams on several connections flood a receiver whose readers are slow. With a global budget the bytes held
 * in Yamux receive buffers stay near it (the connections stop reading; the data waits in the pipe's "kernel"
 * buffers and the senders wait), and every byte still arrives intact. Without the budget the same load buffers
 * many times as much, which shows the test exercises the limit.
 */
class ReceiveBudgetFloodTest {

    private static final int CONNECTIONS = 8;
    private static final int STREAMS_PER_CONNECTION = 8;
    private static final int BYTES_PER_STREAM = 512 * 1024;
    private static final int CHUNK = 32 * 1024;
    private static final long BUDGET = 1024 * 1024;
    private static final int KERNEL = 128 * 1024;

    private record Result(long peak, long pauses, List<Long> sent, List<Long> received) { }

    @Test
    void bufferedBytesStayWithinTheBudgetAndEverythingArrives() throws Exception {
        Result r = flood(BUDGET);
        System.out.println("with budget: peak " + r.peak() + " B, " + r.pauses() + " pauses");
        // A connection reads at most one more chunk (one frame here) after the total went over the budget.
        long slack = (long) CONNECTIONS * (YamuxConfig.defaults().maxFramePayload() + YamuxHeader.SIZE);
        assertTrue(r.peak() <= BUDGET + slack, "peak " + r.peak() + " > budget " + BUDGET + " + " + slack);
        assertTrue(r.pauses() > 0, "the budget paused connections");
        assertEquals(sorted(r.sent()), sorted(r.received()), "every stream's bytes arrived intact");
    }

    @Test
    void withoutTheBudgetTheSameLoadBuffersFarMore() throws Exception {
        Result r = flood(0);
        System.out.println("without budget: peak " + r.peak() + " B");
        assertTrue(r.peak() > 4 * BUDGET, "peak " + r.peak());
        assertEquals(sorted(r.sent()), sorted(r.received()));
    }

    /**
     * Liveness: a connection holds data its reader never takes (so the budget stays exceeded), while its own writes
     * need the peer's window updates, which arrive behind inbound data. The paused connection must still read them:
     * its 1 MiB write (four windows) completes.
     */
    @Test
    void aPausedConnectionStillReceivesWindowUpdatesForItsWrites() throws Exception {
        YamuxConfig config = YamuxConfig.builder().maxWindow(256 * 1024).build();
        YamuxMuxer receiver = new YamuxMuxer(config, 256 * 1024, 1, java.time.Duration.ofMillis(100));
        YamuxMuxer sender = new YamuxMuxer(config, 256 * 1024);
        try (Pipe.Loop senderLoop = new Pipe.Loop("sender");
             Pipe.Loop receiverLoop = new Pipe.Loop("receiver")) {
            try {
                Pipe pipe = new Pipe(senderLoop, receiverLoop, KERNEL);
                CompletableFuture<Long> echoed = new CompletableFuture<>();
                StreamMuxer.Session recv = receiver.start(pipe.b, Direction.INBOUND, stream -> {
                    stream.setReader(data -> data.position(data.limit()));
                    stream.pauseReading(); // a reader that never takes its data: the budget stays exceeded
                });
                StreamMuxer.Session send = sender.start(pipe.a, Direction.OUTBOUND, stream -> stream.setReader(
                        new DuplexReader() {
                            long n;

                            @Override
                            public void onData(ByteBuffer data) {
                                n += data.remaining();
                                data.position(data.limit());
                            }

                            @Override
                            public void onEnd() {
                                echoed.complete(n);
                            }
                        }));
                // the sender floods the receiver (its reader never reads), keeping the receiver's budget exceeded
                send.openStream().thenAccept(d -> writeAll(d, new byte[BYTES_PER_STREAM], 0));
                byte[] big = new byte[1024 * 1024];
                recv.openStream().thenAccept(d -> writeAll(d, big, 0));
                assertEquals(big.length, echoed.get(30, TimeUnit.SECONDS));
                assertTrue(receiver.budget().pauses() > 0, "the receiver did pause");
            } finally {
                receiver.deactivate();
                sender.deactivate();
            }
        }
    }

    private static List<Long> sorted(List<Long> l) {
        List<Long> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }

    private Result flood(long budget) throws Exception {
        YamuxConfig config = YamuxConfig.builder().maxWindow(256 * 1024).build();
        ScheduledExecutorService slow = Executors.newSingleThreadScheduledExecutor();
        YamuxMuxer receiver = new YamuxMuxer(config, 256 * 1024, budget, java.time.Duration.ofMillis(100));
        YamuxMuxer sender = new YamuxMuxer(config, 256 * 1024);
        int total = CONNECTIONS * STREAMS_PER_CONNECTION;
        ConcurrentLinkedQueue<Long> received = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> sent = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> allReceived = new CompletableFuture<>();
        try (Pipe.Loop senderLoop = new Pipe.Loop("sender");
             Pipe.Loop receiverLoop = new Pipe.Loop("receiver")) {
            try {
                return run(receiver, sender, senderLoop, receiverLoop, slow, received, sent, allReceived, total);
            } finally {
                receiver.deactivate();
                sender.deactivate();
            }
        } finally {
            slow.shutdownNow();
        }
    }

    private Result run(YamuxMuxer receiver, YamuxMuxer sender, Pipe.Loop senderLoop, Pipe.Loop receiverLoop,
                       ScheduledExecutorService slow, ConcurrentLinkedQueue<Long> received,
                       ConcurrentLinkedQueue<Long> sent, CompletableFuture<Void> allReceived, int total)
            throws Exception {
        {
            List<StreamMuxer.Session> senders = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                Pipe pipe = new Pipe(senderLoop, receiverLoop, KERNEL);
                receiver.start(pipe.b, Direction.INBOUND, stream -> stream.setReader(new SlowReader(stream, slow,
                        crc -> {
                            received.add(crc);
                            if (received.size() == total) {
                                allReceived.complete(null);
                            }
                        })));
                senders.add(sender.start(pipe.a, Direction.OUTBOUND, stream -> { }));
            }
            int seed = 0;
            for (StreamMuxer.Session s : senders) {
                for (int i = 0; i < STREAMS_PER_CONNECTION; i++) {
                    byte[] data = new byte[BYTES_PER_STREAM];
                    new Random(seed++).nextBytes(data);
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    sent.add(crc.getValue());
                    s.openStream().thenAccept(d -> writeAll(d, data, 0));
                }
            }
            allReceived.get(120, TimeUnit.SECONDS);
            // Everything was delivered, so nothing is held any more.
            assertEquals(0, receiver.budget().total());
            return new Result(receiver.budget().peak(), receiver.budget().pauses(), new ArrayList<>(sent),
                    new ArrayList<>(received));
        }
    }

    /** Writes {@code data} in chunks, one write outstanding at a time, then half-closes. */
    private static void writeAll(Duplex d, byte[] data, int offset) {
        if (offset >= data.length) {
            d.closeWrite();
            return;
        }
        int n = Math.min(CHUNK, data.length - offset);
        d.write(ByteBuffer.wrap(data, offset, n)).whenComplete((v, e) -> {
            if (e == null) {
                writeAll(d, data, offset + n);
            }
        });
    }

    /** Takes one chunk, then pauses for 10 ms: a reader much slower than the senders. */
    private static final class SlowReader implements DuplexReader {
        private final Duplex stream;
        private final ScheduledExecutorService slow;
        private final java.util.function.LongConsumer done;
        private final CRC32 crc = new CRC32();

        SlowReader(Duplex stream, ScheduledExecutorService slow, java.util.function.LongConsumer done) {
            this.stream = stream;
            this.slow = slow;
            this.done = done;
        }

        @Override
        public void onData(ByteBuffer data) {
            crc.update(data);
            stream.pauseReading();
            slow.schedule(stream::resumeReading, 10, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onEnd() {
            done.accept(crc.getValue());
            stream.close();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
        }
    }
}
