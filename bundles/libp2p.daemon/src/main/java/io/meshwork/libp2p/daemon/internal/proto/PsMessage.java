package io.meshwork.libp2p.daemon.internal.proto;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@code PSMessage}: one message delivered on a SUBSCRIBE control connection. */
public record PsMessage(byte @Nullable [] from, byte[] data, byte @Nullable [] seqno, List<String> topics) {

    public PsMessage {
        from = from == null ? null : from.clone();
        data = data.clone();
        seqno = seqno == null ? null : seqno.clone();
        topics = List.copyOf(topics);
    }

    @Override
    public byte @Nullable [] from() {
        return from == null ? null : from.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public byte @Nullable [] seqno() {
        return seqno == null ? null : seqno.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PsMessage m && Arrays.equals(m.from, from) && Arrays.equals(m.data, data)
                && Arrays.equals(m.seqno, seqno) && m.topics.equals(topics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(from), Arrays.hashCode(data), Arrays.hashCode(seqno), topics);
    }

    @Override
    public String toString() {
        return "PsMessage[" + data.length + " bytes, topics=" + topics + "]";
    }
}
