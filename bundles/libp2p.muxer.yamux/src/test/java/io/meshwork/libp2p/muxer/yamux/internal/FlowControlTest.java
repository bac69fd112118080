package io.meshwork.libp2p.muxer.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Per-stream flow control and backpressure, end to end. */
class FlowControlTest {

    private static final int WINDOW = YamuxConfig.SPEC_INITIAL_WINDOW;
    private static final int CHUNK = 64 * 1024;

    @Test
    void pausedReaderHoldsTheWriterAtTheWindowAndResumeDeliversEverything() {
        Collector received = new Collector(false);
        SessionPair p = SessionPair.withDefaults(s -> {
            s.setListener(received);
            s.pauseReading();
        });
        YamuxStream writer = p.open(p.client);
        YamuxStream reader = p.serverAccepted.get(0);
        p.invariant = () -> {
            assertTrue(reader.bufferedReadBytes() <= WINDOW, "receive buffer within the granted window");
            assertTrue(p.server.bufferedBytes() <= WINDOW + YamuxHeader.SIZE, "session buffers within the window");
        };
        byte[] data = new byte[16 * CHUNK];
        new Random(1).nextBytes(data);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            writes.add(writer.write(ByteBuffer.wrap(data, i * CHUNK, CHUNK)));
        }

        p.pump();
        p.loop.advance(Duration.ofSeconds(5));
        p.pump();

        long completed = writes.stream().filter(CompletableFuture::isDone).count();
        assertEquals(WINDOW / CHUNK, completed, "only the writes that fit the window complete");
        assertTrue(writes.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
        assertEquals(0, writer.sendWindow());
        assertEquals(data.length - WINDOW, writer.queuedWriteBytes());
        assertEquals(WINDOW, reader.bufferedReadBytes());
        assertEquals(0, received.bytes, "nothing delivered while paused");

        reader.resumeReading();
        p.pump();

        assertTrue(writes.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        assertEquals(data.length, received.bytes);
        assertEquals(Streams.crc(data), received.crc());
        assertEquals(0, reader.bufferedReadBytes());
        assertEquals(0, p.server.bufferedBytes());
    }

    @Test
    void slowReaderThrottlesAPacedWriterThroughItsFutures() {
        Collector received = new Collector(false);
        SessionPair p = SessionPair.withDefaults(s -> {
            s.setListener(received);
            s.pauseReading();
        });
        YamuxStream writer = p.open(p.client);
        YamuxStream reader = p.serverAccepted.get(0);
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(2).nextBytes(data);
        CompletableFuture<Void> sender = Streams.sendAll(writer, data, 10_000, true);

        for (int round = 0; round < 50 && !sender.isDone(); round++) {
            p.pump();
            long sentSoFar = p.clientOut.dataBytes;
            assertTrue(sentSoFar - received.bytes <= WINDOW, "never more in flight than the window");
            reader.resumeReading();
            reader.pauseReading(); // consume what is buffered, then be slow again
        }
        reader.resumeReading();
        p.pump();
        assertTrue(sender.isDone() && !sender.isCompletedExceptionally());
        assertEquals(Streams.crc(data), received.crc());
        assertTrue(received.ended);
    }

    @Test
    void writeThatWouldOverfillTheQueueFailsFastAndSendsNothing() {
        YamuxConfig config = YamuxConfig.builder().maxQueuedWriteBytes(100_000).build();
        SessionPair p = new SessionPair(config, s -> { }, s -> { });
        YamuxStream stream = p.open(p.client);

        CompletableFuture<Void> first = stream.write(ByteBuffer.allocate(WINDOW + 40_000));
        assertFalse(first.isDone());
        assertEquals(40_000, stream.queuedWriteBytes());
        long sentBefore = p.clientOut.dataBytes;

        CompletableFuture<Void> second = stream.write(ByteBuffer.allocate(60_001));
        YamuxWriteQueueFullException e = assertInstanceOf(YamuxWriteQueueFullException.class,
                assertFailed(second));
        assertTrue(e.getMessage().contains("limit is 100000"), e.getMessage());
        assertEquals(sentBefore, p.clientOut.dataBytes, "nothing of the refused write was sent");
        assertEquals(40_000, stream.queuedWriteBytes());

        CompletableFuture<Void> fits = stream.write(ByteBuffer.allocate(60_000));
        assertFalse(fits.isDone());
        assertEquals(100_000, stream.queuedWriteBytes());

        p.serverAccepted.get(0).setListener(new Collector(false));
        p.pump();
        assertTrue(first.isDone() && fits.isDone());
        assertFalse(first.isCompletedExceptionally() || fits.isCompletedExceptionally());
    }

    @Test
    void peerSendingBeyondTheGrantedWindowIsAProtocolError() {
        VirtualLoop loop = new VirtualLoop();
        CapturingSink out = new CapturingSink();
        SessionPair.Endpoint events = new SessionPair.Endpoint();
        YamuxSession server = new YamuxSession(YamuxSession.Role.SERVER, YamuxConfig.defaults(), loop, out,
                s -> { }, events);

        server.onInbound(Frames.syn(1));
        server.onInbound(Frames.data(0, 1, new byte[WINDOW])); // exactly the window: fine
        assertFalse(server.isClosed());
        assertEquals(WINDOW, server.bufferedBytes());
        server.onInbound(Frames.data(0, 1, new byte[1]));

        assertTrue(server.isClosed());
        assertNotNull(events.closed);
        assertEquals(YamuxSessionClosedException.Reason.PROTOCOL_ERROR, events.closed.reason());
        assertInstanceOf(YamuxProtocolException.class, events.closed.getCause());
        assertTrue(events.closed.getMessage().contains("exceeds the receive window"), events.closed.getMessage());
        List<CapturingSink.Frame> frames = out.take();
        assertEquals(new YamuxHeader(YamuxHeader.TYPE_GO_AWAY, 0, 0, YamuxHeader.GO_AWAY_PROTOCOL_ERROR),
                frames.get(frames.size() - 1).header());
        assertEquals(0, server.bufferedBytes(), "buffers released");
    }

    @Test
    void oversizedFrameIsRefusedFromItsHeaderAlone() {
        VirtualLoop loop = new VirtualLoop();
        CapturingSink out = new CapturingSink();
        SessionPair.Endpoint events = new SessionPair.Endpoint();
        YamuxSession server = new YamuxSession(YamuxSession.Role.SERVER, YamuxConfig.defaults(), loop, out,
                s -> { }, events);
        server.onInbound(Frames.syn(1));
        // Only the header of a 2 GiB frame: rejected before any payload is buffered.
        server.onInbound(Frames.frame(YamuxHeader.TYPE_DATA, 0, 1, Integer.MAX_VALUE));
        assertTrue(server.isClosed());
        assertEquals(YamuxSessionClosedException.Reason.PROTOCOL_ERROR, events.closed.reason());
    }

    @Test
    void windowAutoTunesUnderSustainedLoadUpToTheMaximumOnly() {
        Collector received = new Collector(false);
        SessionPair p = SessionPair.withDefaults(s -> s.setListener(received));
        measureRtt(p, Duration.ofMillis(20));
        YamuxStream writer = p.open(p.client);
        YamuxStream reader = p.serverAccepted.get(0);
        int max = YamuxConfig.defaults().maxWindow();
        long[] largest = {0};
        p.invariant = () -> {
            assertTrue(reader.receiveWindowTarget() <= max, "window never beyond the maximum");
            assertTrue(reader.receiveCredit() + reader.bufferedReadBytes() <= reader.receiveWindowTarget());
            largest[0] = Math.max(largest[0], reader.receiveWindowTarget());
        };
        p.timePerRound = Duration.ofMillis(1); // far less than 4 RTTs between window updates: a fast reader
        byte[] data = new byte[64 * 1024 * 1024];
        new Random(3).nextBytes(data);

        CompletableFuture<Void> sender = Streams.sendAll(writer, data, 1024 * 1024, true);
        p.pump();

        assertTrue(sender.isDone() && !sender.isCompletedExceptionally());
        assertEquals(Streams.crc(data), received.crc());
        assertEquals(max, largest[0], "grew to the 16 MiB maximum");
    }

    @Test
    void windowAutoTuningStopsExactlyAtAConfiguredMaximum() {
        int max = 3 * 1024 * 1024; // not a power-of-two multiple of 256 KiB: the last step is clipped
        YamuxConfig config = YamuxConfig.builder().maxWindow(max).build();
        Collector received = new Collector(false);
        SessionPair p = new SessionPair(config, s -> { }, s -> s.setListener(received));
        measureRtt(p, Duration.ofMillis(20));
        YamuxStream writer = p.open(p.client);
        YamuxStream reader = p.serverAccepted.get(0);
        long[] largest = {0};
        p.invariant = () -> {
            assertTrue(reader.receiveWindowTarget() <= max, "window never beyond the maximum");
            largest[0] = Math.max(largest[0], reader.receiveWindowTarget());
        };
        p.timePerRound = Duration.ofMillis(1);

        Streams.sendAll(writer, new byte[16 * 1024 * 1024], 512 * 1024, true);
        p.pump();

        assertEquals(16 * 1024 * 1024, received.bytes);
        assertEquals(max, largest[0]);
        assertTrue(writer.sendWindow() <= max);
    }

    @Test
    void windowStaysAtItsInitialSizeForASlowReader() {
        Collector received = new Collector(false);
        List<YamuxStream> readers = new ArrayList<>();
        SessionPair p = SessionPair.withDefaults(s -> {
            readers.add(s);
            s.setListener(data -> {
                received.onData(data);
                s.pauseReading(); // one frame per round: consuming takes (virtual) time
            });
        });
        measureRtt(p, Duration.ofMillis(20));
        YamuxStream writer = p.open(p.client);
        YamuxStream reader = readers.get(0);

        CompletableFuture<Void> sender = Streams.sendAll(writer, new byte[2 * 1024 * 1024], CHUNK, false);
        for (int round = 0; round < 200 && received.bytes < 2 * 1024 * 1024; round++) {
            reader.resumeReading();
            p.pump();
            p.loop.advance(Duration.ofMillis(100)); // window updates end up far more than 4 RTTs apart
        }

        assertTrue(sender.isDone());
        assertEquals(2 * 1024 * 1024, received.bytes);
        assertEquals(WINDOW, reader.receiveWindowTarget());
    }

    @Test
    void windowStaysAtItsInitialSizeWithoutAnRttMeasurement() {
        Collector received = new Collector(false);
        SessionPair p = SessionPair.withDefaults(s -> s.setListener(received));
        YamuxStream writer = p.open(p.client);
        Streams.sendAll(writer, new byte[8 * 1024 * 1024], CHUNK, true);
        p.pump();
        assertEquals(8 * 1024 * 1024, received.bytes);
        assertEquals(WINDOW, p.serverAccepted.get(0).receiveWindowTarget());
    }

    @Test
    void largerInitialWindowIsGrantedWithTheSynAndTheAck() {
        YamuxConfig config = YamuxConfig.builder().initialWindow(1024 * 1024).build();
        SessionPair p = new SessionPair(config, s -> { }, s -> { });
        YamuxStream client = p.open(p.client);
        YamuxStream server = p.serverAccepted.get(0);
        assertEquals(1024 * 1024, server.sendWindow(), "the SYN carried the extra 768 KiB");
        assertEquals(WINDOW, client.sendWindow(), "the server has not acknowledged yet");
        server.write(ByteBuffer.allocate(10));
        p.pump();
        assertEquals(1024 * 1024, client.sendWindow(), "the ACK carried the extra 768 KiB");
    }

    @Test
    void unwritableTransportHoldsDataButNotControlFrames() {
        List<Collector> received = new ArrayList<>();
        SessionPair p = SessionPair.withDefaults(s -> {
            Collector c = new Collector();
            received.add(c);
            s.setListener(c);
        });
        YamuxStream a = p.open(p.client);
        YamuxStream b = p.open(p.client);
        p.client.setTransportWritable(false);

        CompletableFuture<Void> wa = a.write(ByteBuffer.wrap("a".getBytes()));
        CompletableFuture<Void> wb = b.write(ByteBuffer.wrap("b".getBytes()));
        a.closeWrite();
        int mark = p.clientOut.history().size();
        CompletableFuture<Duration> ping = p.client.ping();
        List<CapturingSink.Frame> out = p.clientOut.history().subList(mark, p.clientOut.history().size());
        assertEquals(0, Frames.count(out, h -> h.type() == YamuxHeader.TYPE_DATA), "no DATA while unwritable");
        assertEquals(1, Frames.count(out, Frames.is(YamuxHeader.TYPE_PING, YamuxHeader.FLAG_SYN)));
        assertFalse(wa.isDone() || wb.isDone());

        p.client.setTransportWritable(true);
        p.pump();
        assertTrue(wa.isDone() && wb.isDone() && ping.isDone());
        assertEquals("a", received.get(0).text());
        assertTrue(received.get(0).ended);
        assertEquals("b", received.get(1).text());
    }

    private static void measureRtt(SessionPair p, Duration rtt) {
        CompletableFuture<Duration> fromClient = p.client.ping();
        CompletableFuture<Duration> fromServer = p.server.ping();
        p.loop.advance(rtt);
        p.pump();
        assertEquals(rtt, fromClient.join());
        assertEquals(rtt, fromServer.join());
    }

    private static Throwable assertFailed(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally());
        try {
            future.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("not failed");
    }
}
