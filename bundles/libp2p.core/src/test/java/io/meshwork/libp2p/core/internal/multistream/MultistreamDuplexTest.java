package io.meshwork.libp2p.core.internal.multistream;

import static io.meshwork.libp2p.core.internal.multistream.MultistreamCodecTest.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.ProtocolNotSupportedException;
import io.meshwork.libp2p.api.io.DuplexClosedException;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The adapters on linked in-memory duplexes. */
class MultistreamDuplexTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String HEADER = msg("13", "/multistream/1.0.0");

    /** Collects what reaches the protocol reader after the hand-over. */
    private static class Collecting implements DuplexReader {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean ended;
        @Nullable Throwable closed;

        @Override
        public void onData(ByteBuffer chunk) {
            byte[] copy = new byte[chunk.remaining()];
            chunk.get(copy);
            data.writeBytes(copy);
        }

        @Override
        public void onEnd() {
            ended = true;
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            closed = cause;
        }

        String text() {
            return data.toString(StandardCharsets.UTF_8);
        }
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        CompletableFuture<T> future = stage.toCompletableFuture();
        assertTrue(future.isDone(), "stage not complete");
        return future.get();
    }

    private static Throwable failure(CompletionStage<?> stage) {
        CompletableFuture<?> future = stage.toCompletableFuture();
        assertTrue(future.isDone(), "stage not complete");
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void initiatorAndResponderAgreeAndHandOverToTheProtocolReaders() throws Exception {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1], Set.of("/noise")::contains);
        CompletionStage<Negotiated> initiated = MultistreamNegotiator.initiate(pair[0], List.of("/noise"));
        Negotiated atInitiator = done(initiated);
        Negotiated atResponder = done(responded);
        assertEquals("/noise", atInitiator.protocol());
        assertEquals("/noise", atResponder.protocol());
        assertEquals(1, pair[0].writes().size(), "header and proposal go out in one write");
        assertEquals(HEADER + msg("07", "/noise"), HEX.formatHex(pair[0].written()));
        assertEquals(1, pair[1].writes().size(), "header and echo go out in one write");
        assertEquals(HEADER + msg("07", "/noise"), HEX.formatHex(pair[1].written()));
        assertTrue(pair[0].isPaused() && pair[1].isPaused(), "reading is paused until the hand-over");

        Collecting initiatorReader = new Collecting();
        Collecting responderReader = new Collecting();
        MultistreamNegotiator.handOver(pair[0], atInitiator, initiatorReader);
        MultistreamNegotiator.handOver(pair[1], atResponder, responderReader);
        pair[0].write(utf8("hello"));
        pair[1].write(utf8("world"));
        assertEquals("hello", responderReader.text());
        assertEquals("world", initiatorReader.text());
        assertFalse(pair[0].isPaused() || pair[1].isPaused());
    }

    @Test
    void initiatorFallsBackToTheNextProtocolAfterNa() throws Exception {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1], Set.of("/noise")::contains);
        CompletionStage<Negotiated> initiated = MultistreamNegotiator.initiate(pair[0],
                List.of("/tls/1.0.0", "/noise"));
        assertEquals("/noise", done(initiated).protocol());
        assertEquals("/noise", done(responded).protocol());
        assertEquals(HEADER + msg("0b", "/tls/1.0.0") + msg("07", "/noise"), HEX.formatHex(pair[0].written()));
        assertEquals(HEADER + msg("03", "na") + msg("07", "/noise"), HEX.formatHex(pair[1].written()));
    }

    @Test
    void initiatorFailsAndResetsWhenEveryProtocolIsRefused() {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1], p -> false);
        CompletionStage<Negotiated> initiated = MultistreamNegotiator.initiate(pair[0], List.of("/a", "/b"));
        ProtocolNotSupportedException e = assertInstanceOf(ProtocolNotSupportedException.class, failure(initiated));
        assertEquals(List.of("/a", "/b"), e.protocols());
        assertTrue(pair[0].wasReset());
        assertInstanceOf(DuplexClosedException.class, failure(responded));
    }

    @Test
    void responderHandsALazyInitiatorsDataToTheNextReaderFirstAndInOrder() throws Exception {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1],
                Set.of("/ipfs/ping/1.0.0")::contains);
        // The remote (pair[0] used raw) writes header + proposal + application data in one go, like go's lazy
        // select, then more data before anyone took over the stream.
        pair[0].write(ByteBuffer.wrap(HEX.parseHex(HEADER + msg("11", "/ipfs/ping/1.0.0")
                + HEX.formatHex("first".getBytes(StandardCharsets.UTF_8)))));
        pair[0].write(utf8("-second"));
        pair[0].closeWrite();
        Negotiated negotiated = done(responded);
        assertEquals("first", StandardCharsets.UTF_8.decode(negotiated.leftover().duplicate()).toString());
        assertTrue(pair[1].isPaused());
        assertEquals(1, pair[1].heldChunks(), "later data waits in the duplex");

        Collecting next = new Collecting();
        MultistreamNegotiator.handOver(pair[1], negotiated, next);
        assertEquals("first-second", next.text());
        assertTrue(next.ended, "the end of the stream reaches the next reader after the data");
        assertNull(pair[1].readerFailure());
    }

    @Test
    void dataBehindTheEchoReachesTheInitiatorsNextReader() throws Exception {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> initiated = MultistreamNegotiator.initiate(pair[0], List.of("/ipfs/id/1.0.0"));
        pair[1].write(ByteBuffer.wrap(HEX.parseHex(HEADER + msg("0f", "/ipfs/id/1.0.0") + "0201ff")));
        Negotiated negotiated = done(initiated);
        Collecting next = new Collecting();
        MultistreamNegotiator.handOver(pair[0], negotiated, next);
        assertEquals("0201ff", HEX.formatHex(next.data.toByteArray()));
    }

    @Test
    void aProtocolViolationFailsTheStageWithAQuoteAndResetsTheDuplex() {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1], p -> true);
        pair[0].write(ByteBuffer.wrap(HEX.parseHex(msg("07", "/noise"))));
        MultistreamException e = assertInstanceOf(MultistreamException.class, failure(responded));
        assertTrue(e.getMessage().contains("\"/noise\""), e.getMessage());
        assertTrue(pair[1].wasReset());
    }

    @Test
    void theRemoteEndingItsSideDuringNegotiationFailsTheStage() {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1], p -> true);
        pair[0].write(ByteBuffer.wrap(HEX.parseHex(HEADER)));
        pair[0].closeWrite();
        MultistreamException e = assertInstanceOf(MultistreamException.class, failure(responded));
        assertTrue(e.getMessage().startsWith("stream ended"), e.getMessage());
    }

    @Test
    void aResetDuringNegotiationFailsTheStage() {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> initiated = MultistreamNegotiator.initiate(pair[0], List.of("/noise"));
        pair[1].reset();
        assertInstanceOf(DuplexClosedException.class, failure(initiated));
    }

    @Test
    void aReaderFailingOnTheLeftoverResetsTheDuplex() throws Exception {
        FakeDuplex[] pair = FakeDuplex.pair();
        CompletionStage<Negotiated> responded = MultistreamNegotiator.respond(pair[1], p -> true);
        pair[0].write(ByteBuffer.wrap(HEX.parseHex(HEADER + msg("07", "/noise") + "00")));
        Collecting failing = new Collecting() {
            @Override
            public void onData(ByteBuffer chunk) {
                throw new IllegalStateException("cannot parse");
            }
        };
        MultistreamNegotiator.handOver(pair[1], done(responded), failing);
        assertTrue(pair[1].wasReset());
        assertInstanceOf(DuplexClosedException.class, failing.closed);
    }

    @Test
    void invalidProtocolListsAreRefusedAtOnce() {
        FakeDuplex[] pair = FakeDuplex.pair();
        assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiate(pair[0], List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> MultistreamNegotiator.initiate(pair[0], List.of("/a\n")));
        assertEquals(0, pair[0].writes().size());
    }
}
