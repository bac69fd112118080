package io.meshwork.libp2p.pubsub.internal.rpc;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Graft;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IDontWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IHave;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.IWant;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.PeerInfo;
import io.meshwork.libp2p.pubsub.internal.rpc.ControlMessage.Prune;
import io.meshwork.libp2p.pubsub.internal.rpc.Rpc.SubOpts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The pubsub RPC protobuf ({@code rpc.proto}, proto2), hand-coded.
 *
 * <p>Encoding is canonical: fields in field-number order, minimal varints, bools as 0 or 1, each present field
 * once, no unknown fields; the output array is sized exactly up front. Signatures depend on this: go and rust
 * verify a signature over their own re-encoding of the message, so {@link #signedBytes(RpcMessage)} must produce
 * the bytes every implementation produces. Control records always carry their topic.
 *
 * <p>Decoding is strict where no honest encoder differs (non-minimal or overlong varints, field number 0, group
 * or undefined wire types, a known field with the wrong wire type, truncation, malformed UTF-8 in a string,
 * a subscription without topic, anything over {@link RpcLimits}) and lenient where proto2 is: unknown fields
 * are skipped at every level (the RPC's {@code partial} field 10, the control message's {@code extensions} field
 * 6, the subscription options' fields 3 and 4), a repeated occurrence of a singular scalar replaces the earlier
 * one, and repeated {@code control} fields are merged. Absent message fields decode as null (presence matters for
 * signatures and StrictNoSign), an absent {@code subscribe} as false, an absent control-record topic as the empty
 * string (as go and rust read it; no topic has that name). A PRUNE backoff of 2^63 seconds or more comes back as a
 * negative long. Every bytes field is copied exactly once out of the input; nothing is allocated from a declared
 * length or count before the input is known to hold it.
 *
 * <p>Stateless: every method is thread-safe, provided the caller does not modify the arguments' arrays meanwhile.
 */
public final class RpcCodec {

    private static final byte[] SIGNING_PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_FIXED32 = 5;

    // Tag bytes (field number << 3 | wire type); every field here has a one-byte tag.
    private static final int F1_VARINT = 0x08;
    private static final int F3_VARINT = 0x18;
    private static final int F1_LEN = 0x0a;
    private static final int F2_LEN = 0x12;
    private static final int F3_LEN = 0x1a;
    private static final int F4_LEN = 0x22;
    private static final int F5_LEN = 0x2a;
    private static final int F6_LEN = 0x32;

    // Kinds of message-id lists, each with its own per-RPC limit.
    private static final int IHAVE = 0;
    private static final int IWANT = 1;
    private static final int IDONTWANT = 2;
    private static final String[] ID_RECORDS = {"IHAVE", "IWANT", "IDONTWANT"};
    private static final String[] ID_LIMITS = {"maxIHaveEntries", "maxIWantIds", "maxIDontWantIds"};

    private RpcCodec() {
    }

    // ---------------------------------------------------------------------------------------------- encoding

    /** The canonical encoding of {@code rpc}: subscriptions, then messages, then the control message. */
    public static byte[] encode(Rpc rpc) {
        Out out = new Out(new byte[encodedSize(rpc)], 0);
        for (SubOpts subscription : rpc.subscriptions()) {
            out.tag(F1_LEN);
            out.varint(subOptsSize(subscription));
            writeSubOpts(out, subscription);
        }
        for (RpcMessage message : rpc.publish()) {
            out.tag(F2_LEN);
            out.varint(messageSize(message, false));
            writeMessage(out, message, false);
        }
        ControlMessage control = rpc.control();
        if (control != null) {
            out.tag(F3_LEN);
            out.varint(controlSize(control));
            writeControl(out, control);
        }
        return out.finish();
    }

    /** The canonical encoding of one {@code Message} on its own (no tag, no length prefix). */
    public static byte[] encodeMessage(RpcMessage message) {
        Out out = new Out(new byte[messageSize(message, false)], 0);
        writeMessage(out, message, false);
        return out.finish();
    }

    /**
     * What the author signs: UTF-8 {@code "libp2p-pubsub:"} followed by the canonical encoding of the message
     * without {@code signature} and {@code key}, i.e. of the present ones of {@code from}, {@code data},
     * {@code seqno} and {@code topic}, in that order.
     */
    public static byte[] signedBytes(RpcMessage message) {
        Out out = new Out(new byte[SIGNING_PREFIX.length + messageSize(message, true)], SIGNING_PREFIX.length);
        System.arraycopy(SIGNING_PREFIX, 0, out.buf, 0, SIGNING_PREFIX.length);
        writeMessage(out, message, true);
        return out.finish();
    }

    /** The length of {@link #encode(Rpc)}'s output, computed without encoding. */
    public static int encodedSize(Rpc rpc) {
        int size = 0;
        for (SubOpts subscription : rpc.subscriptions()) {
            size += subscriptionFieldSize(subscription);
        }
        for (RpcMessage message : rpc.publish()) {
            size += messageFieldSize(message);
        }
        ControlMessage control = rpc.control();
        return control == null ? size : size + controlFieldSize(control);
    }

    /**
     * The bytes a subscription adds to an RPC, tag and length prefix included. The sizes of an RPC's
     * subscriptions, messages and control field add up to {@link #encodedSize(Rpc)}, so a sender can pack a
     * batch into RPCs under a size limit before encoding anything.
     */
    public static int subscriptionFieldSize(SubOpts subscription) {
        return lengthDelimitedFieldSize(subOptsSize(subscription));
    }

    /** The bytes a published message adds to an RPC, tag and length prefix included. */
    public static int messageFieldSize(RpcMessage message) {
        return lengthDelimitedFieldSize(messageSize(message, false));
    }

    /** The bytes a control message adds to an RPC, tag and length prefix included. */
    public static int controlFieldSize(ControlMessage control) {
        return lengthDelimitedFieldSize(controlSize(control));
    }

    /**
     * The bytes an IHAVE record adds to a control message, tag and length prefix included. A control message's
     * content is the sum of its records' sizes; {@link #lengthDelimitedFieldSize(int)} of that sum is its size in
     * the RPC.
     */
    public static int ihaveFieldSize(IHave ihave) {
        return lengthDelimitedFieldSize(ihaveSize(ihave));
    }

    /** The bytes an IWANT record adds to a control message, tag and length prefix included. */
    public static int iwantFieldSize(IWant iwant) {
        return lengthDelimitedFieldSize(idsSize(iwant.messageIds()));
    }

    /** The bytes a GRAFT record adds to a control message, tag and length prefix included. */
    public static int graftFieldSize(Graft graft) {
        return lengthDelimitedFieldSize(stringFieldSize(graft.topic()));
    }

    /** The bytes a PRUNE record adds to a control message, tag and length prefix included. */
    public static int pruneFieldSize(Prune prune) {
        return lengthDelimitedFieldSize(pruneSize(prune));
    }

    /** The bytes an IDONTWANT record adds to a control message, tag and length prefix included. */
    public static int idontwantFieldSize(IDontWant idontwant) {
        return lengthDelimitedFieldSize(idsSize(idontwant.messageIds()));
    }

    /** The bytes one message id adds to an IHAVE, IWANT or IDONTWANT record's content. */
    public static int messageIdFieldSize(MessageId id) {
        return bytesFieldSize(id.length());
    }

    /**
     * The size of a length-delimited field with a one-byte tag (every field of this schema) whose content is
     * {@code contentSize} bytes: tag, varint length, content.
     */
    public static int lengthDelimitedFieldSize(int contentSize) {
        return 1 + varintSize(contentSize) + contentSize;
    }

    private static int subOptsSize(SubOpts subscription) {
        return 2 + stringFieldSize(subscription.topic());
    }

    private static int messageSize(RpcMessage message, boolean signedPartOnly) {
        int size = 0;
        size += optionalBytesFieldSize(message.from());
        size += optionalBytesFieldSize(message.data());
        size += optionalBytesFieldSize(message.seqno());
        String topic = message.topic();
        if (topic != null) {
            size += stringFieldSize(topic);
        }
        if (!signedPartOnly) {
            size += optionalBytesFieldSize(message.signature());
            size += optionalBytesFieldSize(message.key());
        }
        return size;
    }

    private static int controlSize(ControlMessage control) {
        int size = 0;
        for (IHave ihave : control.ihave()) {
            size += ihaveFieldSize(ihave);
        }
        for (IWant iwant : control.iwant()) {
            size += iwantFieldSize(iwant);
        }
        for (Graft graft : control.graft()) {
            size += graftFieldSize(graft);
        }
        for (Prune prune : control.prune()) {
            size += pruneFieldSize(prune);
        }
        for (IDontWant idontwant : control.idontwant()) {
            size += idontwantFieldSize(idontwant);
        }
        return size;
    }

    private static int ihaveSize(IHave ihave) {
        return stringFieldSize(ihave.topic()) + idsSize(ihave.messageIds());
    }

    private static int idsSize(List<MessageId> ids) {
        int size = 0;
        for (MessageId id : ids) {
            size += bytesFieldSize(id.length());
        }
        return size;
    }

    private static int pruneSize(Prune prune) {
        int size = stringFieldSize(prune.topic());
        for (PeerInfo peer : prune.peers()) {
            size += lengthDelimitedFieldSize(peerInfoSize(peer));
        }
        Long backoff = prune.backoffSeconds();
        return backoff == null ? size : size + 1 + varintSize(backoff);
    }

    private static int peerInfoSize(PeerInfo peer) {
        return optionalBytesFieldSize(peer.peerId()) + optionalBytesFieldSize(peer.signedPeerRecord());
    }

    private static int optionalBytesFieldSize(byte @Nullable [] value) {
        return value == null ? 0 : bytesFieldSize(value.length);
    }

    private static int bytesFieldSize(int length) {
        return 1 + varintSize(length) + length;
    }

    private static int stringFieldSize(String value) {
        return bytesFieldSize(utf8Length(value));
    }

    private static int varintSize(long value) {
        // 1 byte per started group of 7 bits; 0 still takes one byte
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }

    private static void writeSubOpts(Out out, SubOpts subscription) {
        out.tag(F1_VARINT);
        out.tag(subscription.subscribe() ? 1 : 0);
        out.string(F2_LEN, subscription.topic());
    }

    private static void writeMessage(Out out, RpcMessage message, boolean signedPartOnly) {
        out.optionalBytes(F1_LEN, message.from());
        out.optionalBytes(F2_LEN, message.data());
        out.optionalBytes(F3_LEN, message.seqno());
        String topic = message.topic();
        if (topic != null) {
            out.string(F4_LEN, topic);
        }
        if (!signedPartOnly) {
            out.optionalBytes(F5_LEN, message.signature());
            out.optionalBytes(F6_LEN, message.key());
        }
    }

    private static void writeControl(Out out, ControlMessage control) {
        for (IHave ihave : control.ihave()) {
            out.tag(F1_LEN);
            out.varint(ihaveSize(ihave));
            out.string(F1_LEN, ihave.topic());
            out.ids(F2_LEN, ihave.messageIds());
        }
        for (IWant iwant : control.iwant()) {
            out.tag(F2_LEN);
            out.varint(idsSize(iwant.messageIds()));
            out.ids(F1_LEN, iwant.messageIds());
        }
        for (Graft graft : control.graft()) {
            out.tag(F3_LEN);
            out.varint(stringFieldSize(graft.topic()));
            out.string(F1_LEN, graft.topic());
        }
        for (Prune prune : control.prune()) {
            out.tag(F4_LEN);
            out.varint(pruneSize(prune));
            out.string(F1_LEN, prune.topic());
            for (PeerInfo peer : prune.peers()) {
                out.tag(F2_LEN);
                out.varint(peerInfoSize(peer));
                out.optionalBytes(F1_LEN, peer.peerId());
                out.optionalBytes(F2_LEN, peer.signedPeerRecord());
            }
            Long backoff = prune.backoffSeconds();
            if (backoff != null) {
                out.tag(F3_VARINT);
                out.varint(backoff);
            }
        }
        for (IDontWant idontwant : control.idontwant()) {
            out.tag(F5_LEN);
            out.varint(idsSize(idontwant.messageIds()));
            out.ids(F1_LEN, idontwant.messageIds());
        }
    }

    /**
     * UTF-8 length of {@code value}.
     *
     * @throws IllegalArgumentException on an unpaired surrogate, which has no UTF-8 form
     */
    private static int utf8Length(String value) {
        int n = value.length();
        int length = n;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                length += 1;
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new IllegalArgumentException("string has an unpaired surrogate at index " + i
                            + " and cannot be encoded as UTF-8");
                }
                length += 2; // two chars, four bytes
                i++;
            } else {
                length += 2;
            }
        }
        return length;
    }

    /** A write position in an array sized exactly for the output. */
    private static final class Out {
        final byte[] buf;
        int pos;

        Out(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
        }

        void tag(int tag) {
            buf[pos++] = (byte) tag;
        }

        void varint(long value) {
            long rest = value;
            while ((rest & ~0x7fL) != 0) {
                buf[pos++] = (byte) ((rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            buf[pos++] = (byte) rest;
        }

        void optionalBytes(int tag, byte @Nullable [] value) {
            if (value != null) {
                tag(tag);
                varint(value.length);
                System.arraycopy(value, 0, buf, pos, value.length);
                pos += value.length;
            }
        }

        void ids(int tag, List<MessageId> ids) {
            for (MessageId id : ids) {
                optionalBytes(tag, id.unsafeBytes());
            }
        }

        void string(int tag, String value) {
            tag(tag);
            varint(utf8Length(value));
            int n = value.length();
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c < 0x80) {
                    buf[pos++] = (byte) c;
                } else if (c < 0x800) {
                    buf[pos++] = (byte) (0xc0 | c >>> 6);
                    buf[pos++] = (byte) (0x80 | c & 0x3f);
                } else if (Character.isHighSurrogate(c)) {
                    int codePoint = Character.toCodePoint(c, value.charAt(++i)); // paired: utf8Length checked
                    buf[pos++] = (byte) (0xf0 | codePoint >>> 18);
                    buf[pos++] = (byte) (0x80 | codePoint >>> 12 & 0x3f);
                    buf[pos++] = (byte) (0x80 | codePoint >>> 6 & 0x3f);
                    buf[pos++] = (byte) (0x80 | codePoint & 0x3f);
                } else {
                    buf[pos++] = (byte) (0xe0 | c >>> 12);
                    buf[pos++] = (byte) (0x80 | c >>> 6 & 0x3f);
                    buf[pos++] = (byte) (0x80 | c & 0x3f);
                }
            }
        }

        byte[] finish() {
            if (pos != buf.length) {
                // only if an array of the model was modified while it was being encoded
                throw new IllegalStateException("encoded " + pos + " bytes but computed " + buf.length
                        + "; was the message modified concurrently?");
            }
            return buf;
        }
    }

    // ---------------------------------------------------------------------------------------------- decoding

    /**
     * Decodes one RPC (the payload of one delimited frame).
     *
     * @throws MalformedDataException if the bytes are not a valid RPC or exceed {@code limits}; the message names
     *     the field (e.g. {@code publish[2].topic}), the offset and, for a limit, the {@link RpcLimits} component
     */
    public static Rpc decode(byte[] bytes, RpcLimits limits) {
        return decode(bytes, 0, bytes.length, limits);
    }

    /**
     * Decodes one RPC from {@code length} bytes of {@code bytes} starting at {@code offset}; offsets in error
     * messages are relative to {@code offset}.
     *
     * @throws MalformedDataException if the bytes are not a valid RPC or exceed {@code limits}
     * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
     */
    public static Rpc decode(byte[] bytes, int offset, int length, RpcLimits limits) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        try {
            return new Decoder(bytes, offset, offset + length, limits).rpc();
        } catch (Fail fail) {
            throw new RpcMalformedException(fail.describe());
        }
    }

    /**
     * The decoder's MalformedDataException, without a stack trace: the message locates the problem in the input,
     * the trace would only ever show this class, and a peer sending garbage should cost us little.
     */
    private static final class RpcMalformedException extends MalformedDataException {
        private static final long serialVersionUID = 1L;

        RpcMalformedException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * A decoding error on its way out. Cheap (no stack trace): hostile peers can make us throw often. Each
     * enclosing level prepends its field to the path; {@link #decode} turns it into a MalformedDataException.
     */
    private static final class Fail extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private @Nullable String path;

        Fail(String detail) {
            super(detail, null, false, false);
        }

        Fail in(String element) {
            path = path == null ? element : element + "." + path;
            return this;
        }

        String describe() {
            return path == null ? "pubsub RPC: " + getMessage() : "pubsub RPC " + path + ": " + getMessage();
        }
    }

    /** One decoding pass: a cursor bounded by the innermost enclosing message, and the per-RPC counters. */
    private static final class Decoder {
        private final byte[] in;
        private final int base;
        private final RpcLimits limits;
        private int pos;
        private int end;

        private int tagStart;
        private int controlEntries;
        private final int[] idCounts = new int[3];

        private @Nullable List<IHave> ihave;
        private @Nullable List<IWant> iwant;
        private @Nullable List<Graft> graft;
        private @Nullable List<Prune> prune;
        private @Nullable List<IDontWant> idontwant;

        Decoder(byte[] in, int from, int to, RpcLimits limits) {
            this.in = in;
            this.base = from;
            this.pos = from;
            this.end = to;
            this.limits = limits;
        }

        Rpc rpc() {
            List<SubOpts> subscriptions = null;
            List<RpcMessage> publish = null;
            boolean control = false;
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_LEN:
                        subscriptions = nested(subscriptions, limits.maxSubscriptions(), "subscriptions",
                                "subscriptions", "maxSubscriptions", this::subOpts);
                        break;
                    case F2_LEN:
                        publish = nested(publish, limits.maxMessages(), "publish", "messages", "maxMessages",
                                this::message);
                        break;
                    case F3_LEN:
                        // proto2 merges repeated occurrences of a singular message field: the lists concatenate
                        try {
                            int outer = enter();
                            control();
                            end = outer;
                        } catch (Fail fail) {
                            throw fail.in("control");
                        }
                        control = true;
                        break;
                    default:
                        unknown(tag, 3);
                }
            }
            ControlMessage controlMessage = control
                    ? new ControlMessage(orEmpty(ihave), orEmpty(iwant), orEmpty(graft), orEmpty(prune),
                            orEmpty(idontwant))
                    : null;
            return new Rpc(orEmpty(subscriptions), orEmpty(publish), controlMessage);
        }

        private SubOpts subOpts() {
            boolean subscribe = false;
            String topic = null;
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_VARINT:
                        subscribe = varint() != 0;
                        break;
                    case F2_LEN:
                        topic = topic("topicid");
                        break;
                    default:
                        unknown(tag, 2);
                }
            }
            if (topic == null) {
                throw new Fail("missing topicid (field 2)");
            }
            return new SubOpts(subscribe, topic);
        }

        private RpcMessage message() {
            byte[] from = null;
            byte[] data = null;
            byte[] seqno = null;
            String topic = null;
            byte[] signature = null;
            byte[] key = null;
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_LEN:
                        from = bytes("from");
                        break;
                    case F2_LEN:
                        data = bytes("data");
                        break;
                    case F3_LEN:
                        seqno = bytes("seqno");
                        break;
                    case F4_LEN:
                        topic = topic("topic");
                        break;
                    case F5_LEN:
                        signature = bytes("signature");
                        break;
                    case F6_LEN:
                        key = bytes("key");
                        break;
                    default:
                        unknown(tag, 6);
                }
            }
            return new RpcMessage(from, data, seqno, topic, signature, key);
        }

        private void control() {
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_LEN:
                        ihave = record(ihave, "ihave", this::ihaveRecord);
                        break;
                    case F2_LEN:
                        iwant = record(iwant, "iwant", () -> new IWant(ids(IWANT)));
                        break;
                    case F3_LEN:
                        graft = record(graft, "graft", this::graftRecord);
                        break;
                    case F4_LEN:
                        prune = record(prune, "prune", this::pruneRecord);
                        break;
                    case F5_LEN:
                        idontwant = record(idontwant, "idontwant", () -> new IDontWant(ids(IDONTWANT)));
                        break;
                    default:
                        unknown(tag, 5);
                }
            }
        }

        /** Reads one control record (a nested message) with {@code reader} and appends it. */
        private <T> List<T> record(@Nullable List<T> list, String name, Supplier<T> reader) {
            if (controlEntries == limits.maxControlEntries()) {
                throw new Fail("more than " + controlEntries + " IHAVE, IWANT, GRAFT, PRUNE and IDONTWANT records "
                        + "(limit RpcLimits.maxControlEntries)");
            }
            controlEntries++;
            return nested(list, Integer.MAX_VALUE, name, name, "", reader);
        }

        /**
         * Reads one element of a repeated nested-message field with {@code reader} and appends it, refusing more than
         * {@code limit} elements ({@code what} and {@code limitName} name them in the error).
         */
        private <T> List<T> nested(@Nullable List<T> list, int limit, String name, String what, String limitName,
                Supplier<T> reader) {
            List<T> target = list == null ? new ArrayList<>() : list;
            int index = target.size();
            if (index == limit) {
                throw new Fail("more than " + index + " " + what + " (limit RpcLimits." + limitName + ")").in(name);
            }
            try {
                int outer = enter();
                target.add(reader.get());
                end = outer;
            } catch (Fail fail) {
                throw fail.in(name + "[" + index + "]");
            }
            return target;
        }

        private IHave ihaveRecord() {
            String topic = "";
            List<MessageId> ids = null;
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_LEN:
                        topic = topic("topicID");
                        break;
                    case F2_LEN:
                        ids = id(ids, IHAVE);
                        break;
                    default:
                        unknown(tag, 2);
                }
            }
            return new IHave(topic, orEmpty(ids));
        }

        /** The ids of an IWANT or IDONTWANT record, whose only known field is 1. */
        private List<MessageId> ids(int kind) {
            List<MessageId> ids = null;
            while (pos < end) {
                int tag = tag();
                if (tag == F1_LEN) {
                    ids = id(ids, kind);
                } else {
                    unknown(tag, 1);
                }
            }
            return orEmpty(ids);
        }

        /** Reads one message id of an IHAVE, IWANT or IDONTWANT record, counting it against the RPC's limit. */
        private List<MessageId> id(@Nullable List<MessageId> ids, int kind) {
            int max = kind == IHAVE ? limits.maxIHaveEntries()
                    : kind == IWANT ? limits.maxIWantIds() : limits.maxIDontWantIds();
            if (idCounts[kind] == max) {
                throw new Fail("more than " + max + " message ids in the " + ID_RECORDS[kind]
                        + " records of one RPC (limit RpcLimits." + ID_LIMITS[kind] + ")").in("messageIDs");
            }
            idCounts[kind]++;
            List<MessageId> target = ids == null ? new ArrayList<>() : ids;
            int start = tagStart;
            int length;
            try {
                length = length();
                if (length > limits.maxMessageIdLength()) {
                    throw new Fail(length + "-byte message id at offset " + (start - base)
                            + " exceeds the limit of " + limits.maxMessageIdLength()
                            + " bytes (RpcLimits.maxMessageIdLength)");
                }
            } catch (Fail fail) {
                throw fail.in("messageIDs[" + target.size() + "]");
            }
            target.add(MessageId.wrap(Arrays.copyOfRange(in, pos, pos + length)));
            pos += length;
            return target;
        }

        private Graft graftRecord() {
            String topic = "";
            while (pos < end) {
                int tag = tag();
                if (tag == F1_LEN) {
                    topic = topic("topicID");
                } else {
                    unknown(tag, 1);
                }
            }
            return new Graft(topic);
        }

        private Prune pruneRecord() {
            String topic = "";
            List<PeerInfo> peers = null;
            Long backoff = null;
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_LEN:
                        topic = topic("topicID");
                        break;
                    case F2_LEN:
                        peers = nested(peers, limits.maxPeersPerPrune(), "peers", "peers", "maxPeersPerPrune",
                                this::peerInfo);
                        break;
                    case F3_VARINT:
                        backoff = varint();
                        break;
                    default:
                        unknown(tag, 3);
                }
            }
            return new Prune(topic, orEmpty(peers), backoff);
        }

        private PeerInfo peerInfo() {
            byte[] peerId = null;
            byte[] signedPeerRecord = null;
            while (pos < end) {
                int tag = tag();
                switch (tag) {
                    case F1_LEN:
                        peerId = bytes("peerID");
                        break;
                    case F2_LEN:
                        signedPeerRecord = bytes("signedPeerRecord");
                        break;
                    default:
                        unknown(tag, 2);
                }
            }
            return new PeerInfo(peerId, signedPeerRecord);
        }

        /** Reads a nested message's length and bounds the cursor by it; returns the enclosing end to restore. */
        private int enter() {
            int length = length();
            int outer = end;
            end = pos + length;
            return outer;
        }

        private byte[] bytes(String field) {
            int length;
            try {
                length = length();
            } catch (Fail fail) {
                throw fail.in(field);
            }
            byte[] value = Arrays.copyOfRange(in, pos, pos + length);
            pos += length;
            return value;
        }

        private String topic(String field) {
            int start = tagStart;
            int length;
            try {
                length = length();
            } catch (Fail fail) {
                throw fail.in(field);
            }
            if (length > limits.maxTopicLength()) {
                throw new Fail(length + "-byte topic at offset " + (start - base) + " exceeds the limit of "
                        + limits.maxTopicLength() + " bytes (RpcLimits.maxTopicLength)").in(field);
            }
            int bad = firstInvalidUtf8(in, pos, pos + length);
            if (bad >= 0) {
                throw new Fail("malformed UTF-8 at offset " + (bad - base) + " (byte 0x"
                        + Integer.toHexString(in[bad] & 0xff) + ")").in(field);
            }
            String value = new String(in, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return value;
        }

        /** Reads a tag: a valid field number and a wire type other than the deprecated groups. */
        private int tag() {
            int start = pos;
            tagStart = start;
            long tag = varint();
            long field = tag >>> 3;
            if (field == 0 || (tag >>> 32) != 0) {
                throw new Fail("invalid field number " + Long.toUnsignedString(field) + " at offset "
                        + (start - base));
            }
            int wireType = (int) (tag & 7);
            if (wireType != WIRE_VARINT && wireType != WIRE_FIXED64 && wireType != WIRE_LEN
                    && wireType != WIRE_FIXED32) {
                throw new Fail("field " + field + " at offset " + (start - base) + " uses unsupported wire type "
                        + wireType);
            }
            return (int) tag;
        }

        /** Skips an unknown field; a known field number ({@code <= knownFields}) here had the wrong wire type. */
        private void unknown(int tag, int knownFields) {
            int field = tag >>> 3;
            int wireType = tag & 7;
            if (field <= knownFields) {
                throw new Fail("field " + field + " at offset " + (tagStart - base) + " has the wrong wire type "
                        + wireType);
            }
            switch (wireType) {
                case WIRE_VARINT:
                    varint();
                    break;
                case WIRE_LEN:
                    int length = length();
                    pos += length;
                    break;
                case WIRE_FIXED64:
                    skipFixed(8, field);
                    break;
                default:
                    skipFixed(4, field);
            }
        }

        private void skipFixed(int count, int field) {
            if (count > end - pos) {
                throw new Fail("field " + field + " truncated at offset " + (pos - base));
            }
            pos += count;
        }

        /** Reads a length prefix that the enclosing message can hold. */
        private int length() {
            int start = pos;
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new Fail("length " + Long.toUnsignedString(length) + " at offset " + (start - base)
                        + " exceeds the " + (end - pos) + " remaining bytes");
            }
            return (int) length;
        }

        /** Reads a minimally encoded varint of at most 64 bits. */
        private long varint() {
            int start = pos;
            long value = 0;
            for (int shift = 0;; shift += 7) {
                if (pos >= end) {
                    throw new Fail("truncated varint at offset " + (start - base));
                }
                int b = in[pos++];
                if (shift == 63 && (b & 0xff) > 1) {
                    throw new Fail("varint at offset " + (start - base) + " exceeds 64 bits");
                }
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    if (b == 0 && shift > 0) {
                        throw new Fail("varint at offset " + (start - base) + " is not minimally encoded");
                    }
                    return value;
                }
            }
        }
    }

    private static <T> List<T> orEmpty(@Nullable List<T> list) {
        return list == null ? List.of() : list;
    }

    /** The index of the first byte that makes {@code in[from, to)} malformed UTF-8, or -1 if it is well formed. */
    static int firstInvalidUtf8(byte[] in, int from, int to) {
        int i = from;
        while (i < to) {
            int b = in[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int lead = b & 0xff;
            int continuation;
            int min = 0x80;
            int max = 0xbf;
            if (lead >= 0xc2 && lead <= 0xdf) {
                continuation = 1;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                continuation = 2;
                if (lead == 0xe0) {
                    min = 0xa0; // overlong
                } else if (lead == 0xed) {
                    max = 0x9f; // surrogates
                }
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                continuation = 3;
                if (lead == 0xf0) {
                    min = 0x90; // overlong
                } else if (lead == 0xf4) {
                    max = 0x8f; // above U+10FFFF
                }
            } else {
                return i;
            }
            if (i + continuation >= to) {
                return i;
            }
            int second = in[i + 1] & 0xff;
            if (second < min || second > max) {
                return i + 1;
            }
            for (int k = 2; k <= continuation; k++) {
                int next = in[i + k] & 0xff;
                if (next < 0x80 || next > 0xbf) {
                    return i + k;
                }
            }
            i += continuation + 1;
        }
        return -1;
    }
}
