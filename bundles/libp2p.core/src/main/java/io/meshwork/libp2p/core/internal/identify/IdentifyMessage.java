package io.meshwork.libp2p.core.internal.identify;

import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The identify message ({@code /ipfs/id/1.0.0}, {@code /ipfs/id/push/1.0.0}), proto2:
 * <pre>
 * message Identify {
 *   optional bytes  publicKey        = 1;  // marshalled PublicKey
 *   repeated bytes  listenAddrs      = 2;  // binary multiaddrs
 *   repeated string protocols        = 3;
 *   optional bytes  observedAddr     = 4;  // the asker's address as the responder sees it
 *   optional string protocolVersion  = 5;
 *   optional string agentVersion     = 6;
 *   optional bytes  signedPeerRecord = 8;  // marshalled signed envelope holding a peer record
 * }
 * </pre>
 * On the wire it is length-prefixed ({@link io.meshwork.libp2p.api.io.VarintFrames}); one response may come as
 * several messages (go sends the signed peer record separately when it makes the message large), which
 * {@link #merge} combines.
 *
 * <p><b>Decoding</b> is bounded: at most {@value #MAX_SIZE} bytes, {@value #MAX_PROTOCOLS} protocols and strings
 * of at most {@value #MAX_STRING_LENGTH} UTF-8 bytes (more, or invalid UTF-8, fails the message). Entries we
 * cannot use do not fail it: listen addresses that do not parse (go and js peers advertise transports we may not
 * know), those beyond {@value #MAX_LISTEN_ADDRS}, an unparsable observed address and an invalid public key are
 * left out and counted in {@link #skippedEntries()}. For a field sent more than once the last occurrence wins,
 * as in protobuf; unknown fields are skipped. The signed peer record is kept as bytes and not verified here (see
 * {@link io.meshwork.libp2p.api.record.PeerRecord#fromEnvelope(byte[])}).
 *
 * <p><b>Encoding</b> is deterministic: fields in field-number order, absent (null) optional fields and
 * {@code skippedEntries} omitted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param protocolVersion e.g. {@code ipfs/0.1.0}; null if absent
 * @param agentVersion {@code name/version}; null if absent
 * @param publicKey the sender's identity key; null if absent
 * @param listenAddrs the sender's listen addresses
 * @param observedAddr the receiver's address as the sender sees it; null if absent
 * @param protocols the protocols the sender accepts inbound streams for
 * @param signedPeerRecord the marshalled signed envelope of the sender's peer record; null if absent
 * @param skippedEntries how many received entries decoding left out (never sent)
 */
public record IdentifyMessage(@Nullable String protocolVersion, @Nullable String agentVersion,
                              @Nullable PublicKey publicKey, List<Multiaddr> listenAddrs,
                              @Nullable Multiaddr observedAddr, List<String> protocols,
                              byte @Nullable [] signedPeerRecord, int skippedEntries) {

    /** Largest encoded message accepted. */
    public static final int MAX_SIZE = 64 * 1024;
    /** Most protocols accepted. */
    public static final int MAX_PROTOCOLS = 1000;
    /** Most listen addresses kept; further ones are skipped. */
    public static final int MAX_LISTEN_ADDRS = 128;
    /** Longest string (protocol, versions), in UTF-8 bytes. */
    public static final int MAX_STRING_LENGTH = 1024;

    private static final int PUBLIC_KEY = 1;
    private static final int LISTEN_ADDRS = 2;
    private static final int PROTOCOLS = 3;
    private static final int OBSERVED_ADDR = 4;
    private static final int PROTOCOL_VERSION = 5;
    private static final int AGENT_VERSION = 6;
    private static final int SIGNED_PEER_RECORD = 8;

    /**
     * @throws IllegalArgumentException if a string is longer than {@value #MAX_STRING_LENGTH} UTF-8 bytes, there
     *         are more than {@value #MAX_PROTOCOLS} protocols or {@value #MAX_LISTEN_ADDRS} listen addresses, or
     *         {@code skippedEntries} is negative
     */
    public IdentifyMessage {
        listenAddrs = List.copyOf(listenAddrs);
        protocols = List.copyOf(protocols);
        signedPeerRecord = signedPeerRecord == null ? null : signedPeerRecord.clone();
        checkLength("protocolVersion", protocolVersion);
        checkLength("agentVersion", agentVersion);
        protocols.forEach(p -> checkLength("protocol", p));
        if (protocols.size() > MAX_PROTOCOLS) {
            throw new IllegalArgumentException(protocols.size() + " protocols exceed the limit of " + MAX_PROTOCOLS);
        }
        if (listenAddrs.size() > MAX_LISTEN_ADDRS) {
            throw new IllegalArgumentException(listenAddrs.size() + " listen addresses exceed the limit of "
                    + MAX_LISTEN_ADDRS);
        }
        if (skippedEntries < 0) {
            throw new IllegalArgumentException("skippedEntries must not be negative: " + skippedEntries);
        }
    }

    /** A message with the given content and nothing skipped. */
    public IdentifyMessage(@Nullable String protocolVersion, @Nullable String agentVersion,
                           @Nullable PublicKey publicKey, List<Multiaddr> listenAddrs,
                           @Nullable Multiaddr observedAddr, List<String> protocols,
                           byte @Nullable [] signedPeerRecord) {
        this(protocolVersion, agentVersion, publicKey, listenAddrs, observedAddr, protocols, signedPeerRecord, 0);
    }

    private static void checkLength(String what, @Nullable String value) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_LENGTH) {
            throw new IllegalArgumentException(what + " exceeds " + MAX_STRING_LENGTH + " UTF-8 bytes: "
                    + value.substring(0, 64) + "...");
        }
    }

    /** The marshalled signed envelope of the sender's peer record (a copy), or null if absent. */
    @Override
    public byte @Nullable [] signedPeerRecord() {
        return signedPeerRecord == null ? null : signedPeerRecord.clone();
    }

    /**
     * The protobuf, fields in field-number order.
     *
     * @throws IllegalStateException if it would exceed {@value #MAX_SIZE} bytes, which a peer would refuse
     */
    public byte[] encode() {
        Protobuf.Writer writer = new Protobuf.Writer();
        if (publicKey != null) {
            writer.bytes(PUBLIC_KEY, publicKey.marshal());
        }
        listenAddrs.forEach(a -> writer.bytes(LISTEN_ADDRS, a.bytes()));
        protocols.forEach(p -> writer.bytes(PROTOCOLS, p.getBytes(StandardCharsets.UTF_8)));
        if (observedAddr != null) {
            writer.bytes(OBSERVED_ADDR, observedAddr.bytes());
        }
        if (protocolVersion != null) {
            writer.bytes(PROTOCOL_VERSION, protocolVersion.getBytes(StandardCharsets.UTF_8));
        }
        if (agentVersion != null) {
            writer.bytes(AGENT_VERSION, agentVersion.getBytes(StandardCharsets.UTF_8));
        }
        if (signedPeerRecord != null) {
            writer.bytes(SIGNED_PEER_RECORD, signedPeerRecord);
        }
        byte[] encoded = writer.toByteArray();
        if (encoded.length > MAX_SIZE) {
            throw new IllegalStateException("identify message of " + encoded.length + " bytes exceeds the limit of "
                    + MAX_SIZE);
        }
        return encoded;
    }

    /**
     * Decodes one identify message (without its length prefix).
     *
     * @throws MalformedDataException if it is malformed or exceeds the limits in the class comment
     */
    public static IdentifyMessage decode(byte[] bytes) {
        if (bytes.length > MAX_SIZE) {
            throw new MalformedDataException("identify message of " + bytes.length + " bytes exceeds the limit of "
                    + MAX_SIZE);
        }
        Protobuf.Reader reader = new Protobuf.Reader(bytes, "Identify");
        @Nullable String protocolVersion = null;
        @Nullable String agentVersion = null;
        @Nullable PublicKey publicKey = null;
        List<Multiaddr> listenAddrs = new ArrayList<>();
        @Nullable Multiaddr observedAddr = null;
        List<String> protocols = new ArrayList<>();
        byte @Nullable [] signedPeerRecord = null;
        int skipped = 0;
        while (reader.hasNext()) {
            int field = reader.next();
            switch (field) {
                case PUBLIC_KEY:
                    byte[] key = reader.bytes(MAX_SIZE);
                    try {
                        publicKey = PublicKey.unmarshal(key);
                    } catch (MalformedDataException invalidKey) {
                        skipped++; // an unusable key is left out like an unusable address
                    }
                    break;
                case LISTEN_ADDRS:
                    byte[] listenAddr = reader.bytes(MAX_SIZE);
                    Multiaddr parsed = listenAddrs.size() < MAX_LISTEN_ADDRS ? parseOrNull(listenAddr) : null;
                    if (parsed == null) {
                        skipped++;
                    } else {
                        listenAddrs.add(parsed);
                    }
                    break;
                case PROTOCOLS:
                    if (protocols.size() == MAX_PROTOCOLS) {
                        throw reader.malformed("more than " + MAX_PROTOCOLS + " protocols");
                    }
                    protocols.add(string(reader, "protocols"));
                    break;
                case OBSERVED_ADDR:
                    Multiaddr observed = parseOrNull(reader.bytes(MAX_SIZE));
                    if (observed == null) {
                        skipped++;
                    } else {
                        observedAddr = observed;
                    }
                    break;
                case PROTOCOL_VERSION:
                    protocolVersion = string(reader, "protocolVersion");
                    break;
                case AGENT_VERSION:
                    agentVersion = string(reader, "agentVersion");
                    break;
                case SIGNED_PEER_RECORD:
                    signedPeerRecord = reader.bytes(MAX_SIZE);
                    break;
                default:
                    reader.skip();
            }
        }
        return new IdentifyMessage(protocolVersion, agentVersion, publicKey, listenAddrs, observedAddr, protocols,
                signedPeerRecord, skipped);
    }

    private static @Nullable Multiaddr parseOrNull(byte[] bytes) {
        try {
            return Multiaddr.fromBytes(bytes);
        } catch (MalformedDataException unusable) {
            return null; // counted by the caller in skippedEntries
        }
    }

    private static String string(Protobuf.Reader reader, String field) {
        byte[] bytes = reader.bytes(MAX_STRING_LENGTH);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw reader.malformed(field + " is not valid UTF-8");
        }
    }

    /**
     * Combines this message with {@code later}, the next part of a multi-part response (or a push): repeated
     * fields are concatenated (this message's entries first, listen addresses beyond
     * {@value #MAX_LISTEN_ADDRS} and protocols beyond {@value #MAX_PROTOCOLS} are skipped and counted), optional
     * fields take {@code later}'s value unless it is absent or empty, and skipped counts add up.
     */
    public IdentifyMessage merge(IdentifyMessage later) {
        int skipped = skippedEntries + later.skippedEntries;
        List<Multiaddr> addrs = new ArrayList<>(listenAddrs);
        for (Multiaddr addr : later.listenAddrs) {
            if (addrs.size() < MAX_LISTEN_ADDRS) {
                addrs.add(addr);
            } else {
                skipped++;
            }
        }
        List<String> protos = new ArrayList<>(protocols);
        for (String protocol : later.protocols) {
            if (protos.size() < MAX_PROTOCOLS) {
                protos.add(protocol);
            } else {
                skipped++;
            }
        }
        return new IdentifyMessage(
                latest(protocolVersion, later.protocolVersion),
                latest(agentVersion, later.agentVersion),
                later.publicKey != null ? later.publicKey : publicKey,
                addrs,
                later.observedAddr != null ? later.observedAddr : observedAddr,
                protos,
                later.signedPeerRecord != null && later.signedPeerRecord.length > 0
                        ? later.signedPeerRecord : signedPeerRecord,
                skipped);
    }

    private static @Nullable String latest(@Nullable String earlier, @Nullable String later) {
        return later != null && !later.isEmpty() ? later : earlier;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        if (!(other instanceof IdentifyMessage)) {
            return false;
        }
        IdentifyMessage that = (IdentifyMessage) other;
        return Objects.equals(protocolVersion, that.protocolVersion)
                && Objects.equals(agentVersion, that.agentVersion)
                && Objects.equals(publicKey, that.publicKey)
                && listenAddrs.equals(that.listenAddrs)
                && Objects.equals(observedAddr, that.observedAddr)
                && protocols.equals(that.protocols)
                && Arrays.equals(signedPeerRecord, that.signedPeerRecord)
                && skippedEntries == that.skippedEntries;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocolVersion, agentVersion, publicKey, listenAddrs, observedAddr, protocols,
                Arrays.hashCode(signedPeerRecord), skippedEntries);
    }

    @Override
    public String toString() {
        return "IdentifyMessage[protocolVersion=" + protocolVersion + ", agentVersion=" + agentVersion
                + ", publicKey=" + publicKey + ", listenAddrs=" + listenAddrs + ", observedAddr=" + observedAddr
                + ", protocols=" + protocols + ", signedPeerRecord="
                + (signedPeerRecord == null ? "null" : signedPeerRecord.length + " bytes")
                + ", skippedEntries=" + skippedEntries + "]";
    }
}
