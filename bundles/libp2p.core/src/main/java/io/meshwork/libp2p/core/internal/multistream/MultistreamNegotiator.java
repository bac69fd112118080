package io.meshwork.libp2p.core.internal.multistream;

import io.meshwork.libp2p.api.host.ProtocolNotSupportedException;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One multistream-select 1.0 negotiation, as a state machine driven by bytes: feed it what arrives with
 * {@link #onData} and send what it returns. Usable on any byte pipe, and directly in tests.
 *
 * <p><b>Initiator</b> (dialer, {@link #initiator}): {@link #start()} yields the header and the first proposal for
 * one pipelined write. It then expects the responder's header and, per proposal, the echo (success) or
 * {@code na}; after a {@code na} it proposes the next protocol. When every protocol was refused,
 * {@link #onData} throws a {@link ProtocolNotSupportedException} naming them all. Lazy mode (sending application
 * data before the echo) is not offered.
 *
 * <p><b>Responder</b> (listener, {@link #responder}): waits for the initiator's header, answers with its own
 * header, then answers each proposal with its echo, which ends the negotiation, or {@code na}. Whether a
 * protocol is supported is asked of the predicate when the proposal arrives, so the supported set may change at
 * run time. {@code ls} is answered with {@code na}. Everything answered to one chunk leaves in one
 * {@link Step#output()}, so a pipelining initiator gets header and verdict in one write. Lazy initiators (go's
 * single-protocol select, rust's {@code V1Lazy}) send application data right behind their proposal: those bytes
 * come back as {@link Negotiated#leftover()}, never dropped. At most {@code maxProposals} proposals are answered;
 * one more fails the negotiation.
 *
 * <p><b>Errors.</b> Protocol violations throw {@link MultistreamException} quoting what was received. After a
 * throw, or after success, the negotiator is finished and must not be fed again. Timeouts are the caller's job
 * (reset the stream when negotiation takes too long).
 *
 * <p>{@link #initiate} and {@link #respond} run a negotiation on a {@link Duplex}; see there for how the duplex
 * is handed over afterwards.
 *
 * <p><b>Threading.</b> Not thread-safe: confine an instance to one thread or serial executor.
 */
public final class MultistreamNegotiator {

    /** Default for the number of proposals a responder answers before giving up. */
    public static final int DEFAULT_MAX_PROPOSALS = 64;

    /** The side of the negotiation. */
    public enum Role {
        /** Proposes protocols. */
        INITIATOR,
        /** Accepts or refuses them. */
        RESPONDER
    }

    /**
     * What one call of {@link #onData} produced.
     *
     * @param output bytes to send now, possibly empty; send them before acting on {@code result}
     * @param result the outcome once the negotiation succeeded, else null
     */
    public record Step(ByteBuffer output, @Nullable Negotiated result) {

        /** True once the negotiation succeeded. */
        public boolean isDone() {
            return result != null;
        }
    }

    private enum State { NEW, AWAIT_HEADER, AWAIT_PROPOSAL, AWAIT_ANSWER, DONE, FAILED }

    private final Role role;
    private final List<String> protocols;
    private final Predicate<String> supported;
    private final int maxProposals;
    private final MultistreamCodec.Decoder decoder = new MultistreamCodec.Decoder();
    private State state = State.NEW;
    /** Initiator: index of the protocol proposed last. Responder: number of proposals received. */
    private int proposals;

    private MultistreamNegotiator(Role role, List<String> protocols, Predicate<String> supported, int maxProposals) {
        this.role = role;
        this.protocols = protocols;
        this.supported = supported;
        this.maxProposals = maxProposals;
    }

    /**
     * An initiator that proposes {@code protocols} in order of preference.
     *
     * @throws IllegalArgumentException if the list is empty or holds an id that cannot be sent
     *         ({@link MultistreamCodec#checkProtocolId})
     */
    public static MultistreamNegotiator initiator(List<String> protocols) {
        List<String> copy = List.copyOf(protocols);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("at least one protocol must be proposed");
        }
        copy.forEach(MultistreamCodec::checkProtocolId);
        return new MultistreamNegotiator(Role.INITIATOR, copy, p -> false, copy.size());
    }

    /** A responder that accepts what {@code supported} accepts, answering at most {@value #DEFAULT_MAX_PROPOSALS}. */
    public static MultistreamNegotiator responder(Predicate<String> supported) {
        return responder(supported, DEFAULT_MAX_PROPOSALS);
    }

    /**
     * A responder that accepts what {@code supported} accepts, asked at the time each proposal arrives.
     *
     * @param maxProposals how many proposals to answer before failing the negotiation; at least 1
     */
    public static MultistreamNegotiator responder(Predicate<String> supported, int maxProposals) {
        Objects.requireNonNull(supported, "supported");
        if (maxProposals < 1) {
            throw new IllegalArgumentException("maxProposals must be at least 1: " + maxProposals);
        }
        return new MultistreamNegotiator(Role.RESPONDER, List.of(), supported, maxProposals);
    }

    public Role role() {
        return role;
    }

    /** True once the negotiation succeeded. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /**
     * Begins: returns what to send first. For an initiator the header and the first proposal; for a responder
     * nothing (it answers the initiator's header with its own, together with its first verdict when the proposal
     * arrives in the same chunk). Call once, before {@link #onData}.
     *
     * @throws IllegalStateException if called twice
     */
    public ByteBuffer start() {
        if (state != State.NEW) {
            throw new IllegalStateException("negotiation already started");
        }
        state = State.AWAIT_HEADER;
        if (role == Role.INITIATOR) {
            return MultistreamCodec.encode(MultistreamCodec.PROTOCOL_ID, protocols.get(0));
        }
        return ByteBuffer.allocate(0);
    }

    /**
     * Feeds received bytes (the buffer's remaining bytes; its position is not changed, and it is not kept).
     *
     * @return what to send, and the result once negotiated; bytes of the chunk after the final message are the
     *         result's {@link Negotiated#leftover()}
     * @throws MultistreamException if the remote broke the protocol
     * @throws ProtocolNotSupportedException (initiator) if the remote refused every protocol
     * @throws IllegalStateException if not started, already finished or failed
     */
    public Step onData(ByteBuffer data) throws MultistreamException, ProtocolNotSupportedException {
        if (state == State.NEW && role == Role.RESPONDER) {
            state = State.AWAIT_HEADER;
        }
        if (state == State.NEW || state == State.DONE || state == State.FAILED) {
            throw new IllegalStateException("negotiation is " + state + "; it cannot take data");
        }
        ByteBuffer in = data.duplicate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String agreed = null;
        try {
            while (agreed == null) {
                String message = decoder.next(in);
                if (message == null) {
                    break;
                }
                agreed = role == Role.INITIATOR ? onInitiatorMessage(message, out) : onResponderMessage(message, out);
            }
        } catch (MultistreamException | ProtocolNotSupportedException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
        ByteBuffer output = ByteBuffer.wrap(out.toByteArray());
        if (agreed == null) {
            return new Step(output, null);
        }
        state = State.DONE;
        ByteBuffer leftover = ByteBuffer.allocate(in.remaining());
        leftover.put(in).flip();
        return new Step(output, new Negotiated(agreed, leftover));
    }

    private @Nullable String onInitiatorMessage(String message, ByteArrayOutputStream out)
            throws MultistreamException, ProtocolNotSupportedException {
        if (state == State.AWAIT_HEADER) {
            expectHeader(message);
            state = State.AWAIT_ANSWER;
            return null;
        }
        String proposed = protocols.get(proposals);
        if (message.equals(proposed)) {
            return proposed;
        }
        if (!message.equals(MultistreamCodec.NA)) {
            throw new MultistreamException("expected " + MultistreamException.quote(proposed)
                    + " or \"na\" in answer to that proposal but received " + MultistreamException.quote(message));
        }
        proposals++;
        if (proposals == protocols.size()) {
            throw new ProtocolNotSupportedException("remote supports none of the protocols offered: "
                    + String.join(", ", protocols), protocols);
        }
        out.writeBytes(MultistreamCodec.encode(protocols.get(proposals)).array());
        return null;
    }

    private @Nullable String onResponderMessage(String message, ByteArrayOutputStream out)
            throws MultistreamException {
        if (state == State.AWAIT_HEADER) {
            expectHeader(message);
            out.writeBytes(MultistreamCodec.encode(MultistreamCodec.PROTOCOL_ID).array());
            state = State.AWAIT_PROPOSAL;
            return null;
        }
        if (++proposals > maxProposals) {
            throw new MultistreamException("remote made more than " + maxProposals
                    + " proposals without agreement; the last was " + MultistreamException.quote(message));
        }
        // ls is not supported (go-multistream does not answer it either); "na" and "" are never protocols.
        boolean accept = !message.isEmpty() && !message.equals(MultistreamCodec.LS)
                && !message.equals(MultistreamCodec.NA) && supported.test(message);
        out.writeBytes(MultistreamCodec.encode(accept ? message : MultistreamCodec.NA).array());
        return accept ? message : null;
    }

    private static void expectHeader(String message) throws MultistreamException {
        if (!message.equals(MultistreamCodec.PROTOCOL_ID)) {
            throw new MultistreamException("expected the multistream header "
                    + MultistreamException.quote(MultistreamCodec.PROTOCOL_ID) + " but received "
                    + MultistreamException.quote(message));
        }
    }

    /**
     * The failure to report when the remote ends its side before the negotiation is done: says what was
     * received of an incomplete message, if anything. Finishes the negotiator.
     */
    public MultistreamException failureOnEnd() {
        State at = state;
        state = State.FAILED;
        return new MultistreamException("stream ended during multistream-select negotiation (" + role + ", "
                + at + ") after " + decoder.describePartial());
    }

    /**
     * Negotiates as initiator on {@code duplex}: installs a reader, writes the header and first proposal in one
     * write, and completes with the agreed protocol.
     *
     * <p><b>Hand-over.</b> The stage completes on the duplex's executor, inside the reader callback. Just before,
     * the adapter {@linkplain Duplex#pauseReading() pauses reading}, so nothing more is delivered to its own
     * reader, however late the caller reacts. The caller then, on the executor: sets the next reader, gives it
     * {@link Negotiated#leftover()} first (if it has bytes), and resumes reading; {@link #handOver} does exactly
     * that. Until then data (and the end of the stream) wait in the duplex, bounded by its flow control.
     *
     * <p><b>Failure.</b> The stage fails with {@link MultistreamException} (protocol violation, or the stream
     * ended), {@link ProtocolNotSupportedException} (every protocol refused), the write's failure, or
     * {@link io.meshwork.libp2p.api.io.DuplexClosedException} if the duplex closed meanwhile; the adapter then
     * resets the duplex. There is no timeout: the caller bounds the negotiation and resets the duplex when it takes
     * too long, which fails the stage.
     *
     * <p>Reading must not be paused when this is called.
     *
     * @throws IllegalArgumentException at once if {@code protocols} is empty or holds an invalid id
     */
    public static CompletionStage<Negotiated> initiate(Duplex duplex, List<String> protocols) {
        return run(duplex, initiator(protocols));
    }

    /**
     * Negotiates as responder on {@code duplex}, accepting the first proposal {@code supported} accepts (asked
     * when it arrives). Hand-over and failures as for {@link #initiate}, except that a responder does not fail
     * with {@link ProtocolNotSupportedException}: it answers {@code na} until the initiator gives up (closes or
     * resets) or exceeds {@value #DEFAULT_MAX_PROPOSALS} proposals.
     */
    public static CompletionStage<Negotiated> respond(Duplex duplex, Predicate<String> supported) {
        return run(duplex, responder(supported));
    }

    private static CompletionStage<Negotiated> run(Duplex duplex, MultistreamNegotiator negotiator) {
        DuplexNegotiation negotiation = new DuplexNegotiation(duplex, negotiator);
        try {
            duplex.executor().execute(negotiation::begin);
        } catch (RejectedExecutionException e) {
            negotiation.result().completeExceptionally(
                    new MultistreamException("cannot negotiate: the duplex's executor refused the task", e));
        }
        return negotiation.result();
    }

    /**
     * Hands a negotiated duplex to the protocol's reader, on the duplex's executor: sets {@code next} as the
     * reader, delivers {@link Negotiated#leftover()} to it (if it has bytes) and resumes reading, in that order
     * and in one task, so {@code next} sees every byte once and in order. If {@code next} throws from that first
     * {@code onData}, the duplex is reset, as it would be for any reader.
     */
    public static void handOver(Duplex duplex, Negotiated negotiated, DuplexReader next) {
        Objects.requireNonNull(next, "next");
        duplex.executor().execute(() -> DuplexNegotiation.handOver(duplex, negotiated, next));
    }
}
