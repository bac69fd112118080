package io.meshwork.libp2p.relay.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reading the one handshake message: split arrivals, bytes behind it, and everything that must fail. */
class HandshakeTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void messageSplitAcrossReadsWithTheRelayedBytesBehindIt() throws Exception {
        SpliceTest.FakeDuplex d = new SpliceTest.FakeDuplex();
        d.paused = false;
        CompletableFuture<Handshake.Message> f = Handshake.read(d, 4096, 5000, timer);
        d.reader.onData(hex("03 08"));
        d.reader.onData(hex("02 28 2f 6d 75"));    // rest of the message, then "/mu" of multistream
        Handshake.Message m = f.get();
        assertArrayEquals(HexFormat.of().parseHex("080228"), m.body());
        assertEquals("/mu", new String(m.leftover().array(), 0, m.leftover().remaining()));
        assertTrue(d.paused, "left paused for the next owner");
    }

    @Test
    void oversizedOverlongOrMissingMessagesFailAndReset() {
        SpliceTest.FakeDuplex big = new SpliceTest.FakeDuplex();
        CompletableFuture<Handshake.Message> f = Handshake.read(big, 4096, 5000, timer);
        big.reader.onData(hex("81 20")); // 4097
        assertInstanceOf(MalformedDataException.class, failure(f));
        assertTrue(big.wasReset);

        SpliceTest.FakeDuplex nonMinimal = new SpliceTest.FakeDuplex();
        f = Handshake.read(nonMinimal, 4096, 5000, timer);
        nonMinimal.reader.onData(hex("82 00"));
        assertInstanceOf(MalformedDataException.class, failure(f));

        SpliceTest.FakeDuplex ended = new SpliceTest.FakeDuplex();
        f = Handshake.read(ended, 4096, 5000, timer);
        ended.reader.onData(hex("05 08"));
        ended.reader.onEnd();
        assertInstanceOf(EOFException.class, failure(f));

        SpliceTest.FakeDuplex silent = new SpliceTest.FakeDuplex();
        f = Handshake.read(silent, 4096, 50, timer);
        assertTrue(failure(f).getMessage().contains("no relay message within 50 ms"));
        assertTrue(silent.wasReset);
    }
}
