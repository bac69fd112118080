package io.meshwork.libp2p.core.internal.multistream;

import static io.meshwork.libp2p.core.internal.multistream.MultistreamCodecTest.bytes;
import static io.meshwork.libp2p.core.internal.multistream.MultistreamCodecTest.msg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.ProtocolNotSupportedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure state machines, driven by the byte traces of libp2p-wire.md §4.1. */
class MultistreamNegotiatorTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String HEADER = msg("13", "/multistream/1.0.0");
    private static final String NOISE = msg("07", "/noise");
    private static final String TLS = msg("0b", "/tls/1.0.0");
    private static final String NA = msg("03", "na");

    private static MultistreamNegotiator.Step feed(MultistreamNegotiator negotiator, String hex) throws Exception {
        return negotiator.onData(ByteBuffer.wrap(HEX.parseHex(hex)));
    }

    private static String hex(ByteBuffer buffer) {
        return HEX.formatHex(bytes(buffer));
    }

    @Test
    void initiatorPipelinesHeaderAndFirstProposalInOneBuffer() {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/noise"));
        assertEquals(HEADER + NOISE, hex(initiator.start()));
    }

    @Test
    void initiatorSucceedsOnTheEcho() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/noise"));
        initiator.start();
        MultistreamNegotiator.Step step = feed(initiator, HEADER + NOISE);
        assertEquals("", hex(step.output()));
        assertTrue(step.isDone());
        assertEquals("/noise", step.result().protocol());
        assertEquals(0, step.result().leftover().remaining());
        assertTrue(initiator.isDone());
    }

    @Test
    void responderAnswersHeaderAndEchoInOneOutput() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/noise")::contains);
        assertEquals(0, responder.start().remaining());
        MultistreamNegotiator.Step step = feed(responder, HEADER + NOISE);
        assertEquals(HEADER + NOISE, hex(step.output()));
        assertEquals("/noise", step.result().protocol());
    }

    @Test
    void responderAnswersTheHeaderBeforeAnyProposalArrives() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/noise")::contains);
        MultistreamNegotiator.Step step = feed(responder, HEADER);
        assertEquals(HEADER, hex(step.output()));
        assertFalse(step.isDone());
        step = feed(responder, NOISE);
        assertEquals(NOISE, hex(step.output()));
        assertTrue(step.isDone());
    }

    @Test
    void goDialerProposingTlsFirstGetsNaThenNoiseIsAccepted() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/noise")::contains);
        MultistreamNegotiator.Step step = feed(responder, HEADER + TLS);
        assertEquals(HEADER + NA, hex(step.output()));
        assertFalse(step.isDone());
        step = feed(responder, NOISE);
        assertEquals(NOISE, hex(step.output()));
        assertEquals("/noise", step.result().protocol());
    }

    @Test
    void initiatorProposesTheNextProtocolAfterNa() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/tls/1.0.0", "/noise"));
        assertEquals(HEADER + TLS, hex(initiator.start()));
        MultistreamNegotiator.Step step = feed(initiator, HEADER + NA);
        assertEquals(NOISE, hex(step.output()));
        assertFalse(step.isDone());
        step = feed(initiator, NOISE);
        assertEquals("/noise", step.result().protocol());
    }

    @Test
    void initiatorFailsNamingEveryProtocolWhenAllAreRefused() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/tls/1.0.0", "/noise"));
        initiator.start();
        feed(initiator, HEADER + NA);
        ProtocolNotSupportedException e = assertThrows(ProtocolNotSupportedException.class,
                () -> feed(initiator, NA));
        assertEquals(List.of("/tls/1.0.0", "/noise"), e.protocols());
        assertTrue(e.getMessage().contains("/tls/1.0.0, /noise"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> feed(initiator, NA));
    }

    @Test
    void initiatorRejectsAnAnswerThatIsNeitherEchoNorNa() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/noise"));
        initiator.start();
        MultistreamException e = assertThrows(MultistreamException.class,
                () -> feed(initiator, HEADER + msg("0d", "/yamux/1.0.0")));
        assertEquals("expected \"/noise\" or \"na\" in answer to that proposal but received \"/yamux/1.0.0\"",
                e.getMessage());
    }

    @Test
    void aFirstMessageOtherThanTheHeaderIsRejectedWithAQuote() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> true);
        MultistreamException e = assertThrows(MultistreamException.class, () -> feed(responder, NOISE));
        assertEquals("expected the multistream header \"/multistream/1.0.0\" but received \"/noise\"",
                e.getMessage());
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/noise"));
        initiator.start();
        assertThrows(MultistreamException.class, () -> feed(initiator, msg("13", "/multistream/2.0.0")));
    }

    @Test
    void anHttpRequestIsRejectedWithAReadableQuote() {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> true);
        // 'G' = 0x47 = 71 bytes of "message", which do not end in a newline.
        String request = "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n"
                + "x".repeat(10);
        MultistreamException e = assertThrows(MultistreamException.class,
                () -> responder.onData(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("message does not end with a newline: \"ET / HTTP/1.1\\r\\nHost"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("... (71 bytes)"), e.getMessage());
    }

    @Test
    void responderAnswersLsWithNa() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> true);
        MultistreamNegotiator.Step step = feed(responder, HEADER + "036c730a");
        assertEquals(HEADER + NA, hex(step.output()));
        assertFalse(step.isDone());
    }

    @Test
    void responderRefusesNaAndTheEmptyProtocolEvenIfThePredicateWouldAccept() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> true);
        MultistreamNegotiator.Step step = feed(responder, HEADER + NA + "010a");
        assertEquals(HEADER + NA + NA, hex(step.output()));
    }

    @Test
    void responderAsksThePredicateWhenTheProposalArrives() throws Exception {
        Set<String> supported = new HashSet<>();
        MultistreamNegotiator responder = MultistreamNegotiator.responder(supported::contains);
        assertEquals(HEADER + NA, hex(feed(responder, HEADER + NOISE).output()));
        supported.add("/noise");
        MultistreamNegotiator.Step step = feed(responder, NOISE);
        assertEquals(NOISE, hex(step.output()));
        assertTrue(step.isDone());
    }

    @Test
    void responderGivesUpAfterTheMaximumNumberOfProposals() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> false, 3);
        assertEquals(HEADER + NA + NA + NA, hex(feed(responder, HEADER + NOISE + NOISE + NOISE).output()));
        MultistreamException e = assertThrows(MultistreamException.class, () -> feed(responder, TLS));
        assertTrue(e.getMessage().contains("more than 3 proposals") && e.getMessage().contains("/tls/1.0.0"),
                e.getMessage());
    }

    @Test
    void defaultResponderAnswers64ProposalsAndNotThe65th() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> false);
        feed(responder, HEADER + NOISE.repeat(64));
        assertThrows(MultistreamException.class, () -> feed(responder, NOISE));
    }

    @Test
    void lazyInitiatorDataInTheSameChunkBecomesLeftover() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/ipfs/ping/1.0.0")::contains);
        byte[] ping = new byte[32];
        for (int i = 0; i < ping.length; i++) {
            ping[i] = (byte) (i + 1);
        }
        ByteBuffer chunk = ByteBuffer.wrap(HEX.parseHex(HEADER + msg("11", "/ipfs/ping/1.0.0")
                + HEX.formatHex(ping)));
        MultistreamNegotiator.Step step = responder.onData(chunk);
        assertEquals(HEADER + msg("11", "/ipfs/ping/1.0.0"), hex(step.output()));
        assertArrayEquals(ping, bytes(step.result().leftover()));
        assertEquals(0, chunk.position(), "the caller's chunk is left alone");
        // The leftover is a copy: overwriting the chunk (valid only during onData) does not change it.
        chunk.array()[chunk.array().length - 1] = 0;
        assertEquals(32, step.result().leftover().get(31));
    }

    @Test
    void dataBehindTheRespondersEchoBecomesTheInitiatorsLeftover() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/ipfs/id/1.0.0"));
        initiator.start();
        MultistreamNegotiator.Step step = feed(initiator, HEADER + msg("0f", "/ipfs/id/1.0.0") + "020801");
        assertEquals("020801", hex(step.result().leftover()));
    }

    @Test
    void negotiatesWhenEveryByteArrivesAlone() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/noise")::contains);
        byte[] input = HEX.parseHex(HEADER + TLS + NOISE + "abcd");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Negotiated result = null;
        int i = 0;
        for (; i < input.length && result == null; i++) {
            MultistreamNegotiator.Step step = responder.onData(ByteBuffer.wrap(input, i, 1));
            out.writeBytes(bytes(step.output()));
            result = step.result();
        }
        assertNotNull(result);
        assertEquals("/noise", result.protocol());
        assertEquals(0, result.leftover().remaining());
        assertEquals(input.length - 2, i, "negotiation ends on the proposal's newline");
        assertEquals(HEADER + NA + NOISE, HEX.formatHex(out.toByteArray()));
    }

    @Test
    void initiatorAndResponderAgreeDirectly() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/mplex/6.7.0", "/yamux/1.0.0"));
        MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/yamux/1.0.0")::contains);
        ByteBuffer toResponder = initiator.start();
        Negotiated atInitiator = null;
        Negotiated atResponder = null;
        for (int round = 0; round < 5 && (atInitiator == null || atResponder == null); round++) {
            MultistreamNegotiator.Step r = responder.onData(toResponder);
            atResponder = atResponder == null ? r.result() : atResponder;
            MultistreamNegotiator.Step i = initiator.onData(r.output());
            atInitiator = atInitiator == null ? i.result() : atInitiator;
            toResponder = i.output();
        }
        assertEquals("/yamux/1.0.0", atInitiator.protocol());
        assertEquals("/yamux/1.0.0", atResponder.protocol());
    }

    @Test
    void failureOnEndDescribesWhatWasReceived() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> true);
        feed(responder, HEADER + "072f6e6f");
        assertEquals("stream ended during multistream-select negotiation (RESPONDER, AWAIT_PROPOSAL) after "
                + "3 of 7 bytes: \"/no\"", responder.failureOnEnd().getMessage());
    }

    @Test
    void misuseIsAnIllegalState() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/noise"));
        assertThrows(IllegalStateException.class, () -> feed(initiator, HEADER));
        initiator.start();
        assertThrows(IllegalStateException.class, initiator::start);
        feed(initiator, HEADER + NOISE);
        assertThrows(IllegalStateException.class, () -> feed(initiator, NOISE));
        assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of()));
        assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of("na")));
        assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.responder(p -> true, 0));
    }

    @Test
    void aNegotiatorThatThrewStaysFailed() throws Exception {
        MultistreamNegotiator responder = MultistreamNegotiator.responder(p -> true);
        assertThrows(MultistreamException.class, () -> feed(responder, NOISE));
        assertThrows(IllegalStateException.class, () -> feed(responder, HEADER));
    }
}
