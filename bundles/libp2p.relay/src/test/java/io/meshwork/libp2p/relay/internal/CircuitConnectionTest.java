package io.meshwork.libp2p.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.io.DuplexReader;
import io.meshwork.libp2p.api.io.StreamResetException;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.relay.internal.proto.Limit;
import io.meshwork.testing.TestNode;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What the host's reader of a relayed connection learns when the relay resets the circuit (found against js-libp2p's
 * relay, whose 128 KiB data limit otherwise surfaced as "YamuxStream[5 out] was reset by the peer").
 */
class CircuitConnectionTest {

    private static final PeerId RELAY = TestNode.newIdentity().peerId();
    private static final Multiaddr LOCAL = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + RELAY + "/p2p-circuit");

    private static final class Recorder implements DuplexReader {
        final List<@Nullable Throwable> closes = new ArrayList<>();
        int bytes;

        @Override
        public void onData(ByteBuffer data) {
            bytes += data.remaining();
            data.position(data.limit());
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            closes.add(cause);
        }
    }

    private static Recorder attach(SpliceTest.FakeDuplex stream, @Nullable Limit limit) {
        CircuitConnection c = new CircuitConnection(stream, ByteBuffer.wrap(new byte[] {1, 2}), LOCAL,
                LOCAL.withPeerId(TestNode.newIdentity().peerId()), Direction.OUTBOUND, limit, RELAY);
        assertEquals(limit != null && !limit.isUnlimited(), c.isLimited());
        Recorder r = new Recorder();
        c.setReader(r);
        return r;
    }

    @Test
    void aResetNamesTheRelayAndItsLimitsAndKeepsTheOriginal() {
        SpliceTest.FakeDuplex stream = new SpliceTest.FakeDuplex();
        Recorder r = attach(stream, new Limit(120_000, 131_072));
        stream.deliver(10);
        assertEquals(12, r.bytes, "the bytes behind the handshake, then the stream's");
        StreamResetException original = new StreamResetException("YamuxStream[5 out] was reset by the peer", 7);
        stream.reader.onClose(original);

        StreamResetException got = assertInstanceOf(StreamResetException.class, r.closes.get(0));
        assertTrue(got.getMessage().startsWith("circuit via relay " + RELAY + " was reset (the relay announced a"
                + " limit of 120000 s, 131072 bytes per direction for it;"), got.getMessage());
        assertTrue(got.getMessage().endsWith(": YamuxStream[5 out] was reset by the peer"), got.getMessage());
        assertEquals(7, got.errorCode());
        assertSame(original, got.getCause());
    }

    @Test
    void withoutLimitsItSaysSo() {
        SpliceTest.FakeDuplex stream = new SpliceTest.FakeDuplex();
        Recorder r = attach(stream, null);
        stream.reader.onClose(new StreamResetException("reset", 0));
        assertTrue(r.closes.get(0).getMessage().contains("the relay announced no limit"), r.closes.get(0).getMessage());
    }

    @Test
    void otherClosesPassUnchanged() {
        SpliceTest.FakeDuplex stream = new SpliceTest.FakeDuplex();
        Recorder r = attach(stream, Limit.NONE);
        EOFException eof = new EOFException("gone");
        stream.reader.onClose(eof);
        stream.reader.onClose(null);
        assertSame(eof, r.closes.get(0));
        assertNull(r.closes.get(1));
        assertFalse(r.closes.isEmpty());
    }
}
