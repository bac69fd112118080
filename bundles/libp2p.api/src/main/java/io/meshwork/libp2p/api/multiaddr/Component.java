package io.meshwork.libp2p.api.multiaddr;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One {@code /protocol/value} step of a {@link Multiaddr}. Always valid for its protocol; immutable and
 * thread-safe; equal when protocol and value bytes are equal.
 */
public final class Component {

    private final Protocol protocol;
    private final byte[] value;

    private Component(Protocol protocol, byte[] value) {
        this.protocol = protocol;
        this.value = value;
    }

    /**
     * A component from its binary value.
     *
     * @throws MalformedDataException if the value is not valid for the protocol
     */
    public static Component of(Protocol protocol, byte[] value) {
        try {
            protocol.codec().validate(value);
        } catch (MalformedDataException e) {
            throw new MalformedDataException("invalid /" + protocol + " value: " + e.getMessage(), e);
        }
        return new Component(protocol, value.clone());
    }

    /**
     * A component of a protocol that takes no value, such as {@code /quic-v1}.
     *
     * @throws IllegalArgumentException if the protocol needs a value
     */
    public static Component of(Protocol protocol) {
        if (protocol.hasValue()) {
            throw new IllegalArgumentException("/" + protocol + " needs a value");
        }
        return new Component(protocol, new byte[0]);
    }

    /**
     * A component from the text form of its value (for {@code unix}, the absolute path).
     *
     * @throws MalformedDataException if the text is not a valid value for the protocol, or the protocol takes no
     *         value
     */
    public static Component parse(Protocol protocol, String text) {
        if (!protocol.hasValue()) {
            throw new MalformedDataException("/" + protocol + " takes no value");
        }
        try {
            return new Component(protocol, protocol.codec().parse(text));
        } catch (MalformedDataException e) {
            throw new MalformedDataException("invalid /" + protocol + " value " + Multiaddr.quote(text) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /** A copy of the binary value; empty for protocols without a value. */
    public byte[] value() {
        return value.clone();
    }

    /** The canonical text of the value; empty for protocols without a value. */
    public String valueString() {
        return protocol.codec().format(value);
    }

    /** The binary form: code, length prefix if the protocol's values vary in size, value. */
    public byte[] bytes() {
        int prefix = protocol.size() == Protocol.VARIABLE ? Varint.encodedLength(value.length) : 0;
        byte[] out = new byte[Varint.encodedLength(protocol.code()) + prefix + value.length];
        int offset = Varint.write(protocol.code(), out, 0);
        if (prefix > 0) {
            offset += Varint.write(value.length, out, offset);
        }
        System.arraycopy(value, 0, out, offset, value.length);
        return out;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Component && protocol == ((Component) other).protocol
                && Arrays.equals(value, ((Component) other).value);
    }

    @Override
    public int hashCode() {
        return 31 * protocol.hashCode() + Arrays.hashCode(value);
    }

    /** The text form, e.g. {@code /tcp/4001}, {@code /quic-v1} or {@code /unix/tmp/node.sock}. */
    @Override
    public String toString() {
        if (!protocol.hasValue()) {
            return "/" + protocol.protocolName();
        }
        String text = valueString();
        return "/" + protocol.protocolName() + (protocol.isPath() ? "" : "/") + text;
    }
}
