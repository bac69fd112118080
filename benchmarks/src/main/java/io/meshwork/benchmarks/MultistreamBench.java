package io.meshwork.benchmarks;

import io.meshwork.libp2p.core.internal.multistream.MultistreamNegotiator;
import io.meshwork.libp2p.core.internal.multistream.Negotiated;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One complete multistream-select 1.0 negotiation per op: a new initiator and responder, their messages carried in
 * memory until both agree. {@code first}: the first proposal is accepted (header + proposal, header + echo: one
 * round trip). {@code third}: the responder refuses two proposals with {@code na} and accepts the third (three
 * round trips).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultistreamBench {

    private static final Set<String> SUPPORTED = Set.of("/yamux/1.0.0", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");

    @Param({"first", "third"})
    public String accepted;

    private List<String> proposals;

    @Setup
    public void setup() throws Exception {
        proposals = accepted.equals("first") ? List.of("/yamux/1.0.0")
                : List.of("/mplex/6.7.0", "/quic-mux/1.0.0", "/yamux/1.0.0");
        if (!negotiate().equals("/yamux/1.0.0")) {
            throw new IllegalStateException("negotiation did not agree on /yamux/1.0.0");
        }
    }

    @Benchmark
    public String negotiate() throws Exception {
        MultistreamNegotiator initiator = MultistreamNegotiator.initiator(proposals);
        MultistreamNegotiator responder = MultistreamNegotiator.responder(SUPPORTED::contains);
        responder.start();
        ByteBuffer toResponder = initiator.start();
        Negotiated responderResult = null;
        while (true) {
            MultistreamNegotiator.Step r = responder.onData(toResponder);
            if (r.result() != null) {
                responderResult = r.result();
            }
            MultistreamNegotiator.Step i = initiator.onData(r.output());
            if (i.result() != null) {
                if (responderResult == null || i.output().hasRemaining()) {
                    throw new IllegalStateException("initiator done before the responder");
                }
                return i.result().protocol();
            }
            toResponder = i.output();
        }
    }
}
