package io.meshwork.libp2p.muxer.yamux.internal;

import java.nio.ByteBuffer;

/**
 * One 12-byte Yamux frame header: version (always 0), type, flags, stream id and length, all big-endian.
 * {@code streamId} and {@code length} are unsigned 32-bit values carried in {@code int}s; use
 * {@link #streamIdUnsigned()} and {@link #lengthUnsigned()} to compare them. Immutable.
 */
record YamuxHeader(int type, int flags, int streamId, int length) {

    static final int SIZE = 12;
    static final int VERSION = 0;

    static final int TYPE_DATA = 0;
    static final int TYPE_WINDOW_UPDATE = 1;
    static final int TYPE_PING = 2;
    static final int TYPE_GO_AWAY = 3;

    static final int FLAG_SYN = 0x1;
    static final int FLAG_ACK = 0x2;
    static final int FLAG_FIN = 0x4;
    static final int FLAG_RST = 0x8;

    /** GO_AWAY error codes. */
    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;
    static final int GO_AWAY_INTERNAL_ERROR = 2;

    YamuxHeader {
        if (type < TYPE_DATA || type > TYPE_GO_AWAY) {
            throw new IllegalArgumentException("unknown frame type " + type);
        }
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("flags do not fit 16 bits: " + flags);
        }
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    long streamIdUnsigned() {
        return Integer.toUnsignedLong(streamId);
    }

    long lengthUnsigned() {
        return Integer.toUnsignedLong(length);
    }

    /** Writes the 12 header bytes into {@code dst} at offset 0. */
    void encodeInto(byte[] dst) {
        encode(dst, type, flags, streamId, length);
    }

    byte[] encode() {
        byte[] out = new byte[SIZE];
        encodeInto(out);
        return out;
    }

    static void encode(byte[] dst, int type, int flags, int streamId, int length) {
        dst[0] = VERSION;
        dst[1] = (byte) type;
        dst[2] = (byte) (flags >>> 8);
        dst[3] = (byte) flags;
        dst[4] = (byte) (streamId >>> 24);
        dst[5] = (byte) (streamId >>> 16);
        dst[6] = (byte) (streamId >>> 8);
        dst[7] = (byte) streamId;
        dst[8] = (byte) (length >>> 24);
        dst[9] = (byte) (length >>> 16);
        dst[10] = (byte) (length >>> 8);
        dst[11] = (byte) length;
    }

    /**
     * Parses 12 bytes starting at {@code buf}'s position (which is advanced).
     *
     * @throws YamuxProtocolException if the version is not 0 or the type is unknown
     */
    static YamuxHeader decode(ByteBuffer buf) throws YamuxProtocolException {
        int version = buf.get() & 0xFF;
        int type = buf.get() & 0xFF;
        int flags = buf.getShort() & 0xFFFF;
        int streamId = buf.getInt();
        int length = buf.getInt();
        if (version != VERSION) {
            throw new YamuxProtocolException("unsupported Yamux version " + version);
        }
        if (type > TYPE_GO_AWAY) {
            throw new YamuxProtocolException("unknown frame type " + type);
        }
        return new YamuxHeader(type, flags, streamId, length);
    }

    static String typeName(int type) {
        return switch (type) {
            case TYPE_DATA -> "DATA";
            case TYPE_WINDOW_UPDATE -> "WINDOW_UPDATE";
            case TYPE_PING -> "PING";
            case TYPE_GO_AWAY -> "GO_AWAY";
            default -> "TYPE_" + type;
        };
    }

    static String flagNames(int flags) {
        if (flags == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        appendFlag(sb, flags, FLAG_SYN, "SYN");
        appendFlag(sb, flags, FLAG_ACK, "ACK");
        appendFlag(sb, flags, FLAG_FIN, "FIN");
        appendFlag(sb, flags, FLAG_RST, "RST");
        int unknown = flags & ~(FLAG_SYN | FLAG_ACK | FLAG_FIN | FLAG_RST);
        if (unknown != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(unknown));
        }
        return sb.toString();
    }

    private static void appendFlag(StringBuilder sb, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(name);
        }
    }

    @Override
    public String toString() {
        return typeName(type) + "[" + flagNames(flags) + " stream=" + streamIdUnsigned() + " length="
                + lengthUnsigned() + "]";
    }
}
