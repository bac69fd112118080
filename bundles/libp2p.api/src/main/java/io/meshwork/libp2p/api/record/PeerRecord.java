package io.meshwork.libp2p.api.record;

import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A peer record (libp2p RFC 0003): the addresses a peer says it can be reached at, with a sequence number that
 * orders its records in time. Shared inside a {@link SignedEnvelope} with domain {@value #DOMAIN} and payload
 * type {@link #payloadType()}, and carried by identify ({@code signedPeerRecord}) and gossipsub peer exchange.
 *
 * <p>Wire form (protobuf {@code peer.pb.PeerRecord}; fields in this order, minimal varints):
 * <pre>
 * PeerRecord { bytes peer_id = 1; uint64 seq = 2; repeated AddressInfo addresses = 3; }
 * AddressInfo { bytes multiaddr = 1; }
 * </pre>
 *
 * <p>{@code seq} is an unsigned 64-bit number held in a {@code long}: compare with
 * {@link Long#compareUnsigned}. A newer record of the same peer must have a higher {@code seq}; receivers keep
 * only the highest and must not read it as a time.
 *
 * @param peerId the peer the record describes
 * @param seq the sequence number, unsigned
 * @param addresses the peer's addresses, at most {@value #MAX_ADDRESSES}
 */
public record PeerRecord(PeerId peerId, long seq, List<Multiaddr> addresses) {

    /**
     * The signature domain. RFC 0003 still says {@code libp2p-routing-state}; every implementation uses this.
     */
    public static final String DOMAIN = "libp2p-peer-record";
    /** Most addresses a record may hold. */
    public static final int MAX_ADDRESSES = 128;

    /**
     * The multicodec {@code libp2p-peer-record} (0x0301) as go-libp2p, rust-libp2p, js-libp2p and jvm-libp2p put
     * it in the envelope: the two big-endian bytes {@code 03 01}, not the unsigned varint {@code 81 06}.
     */
    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};

    /**
     * The domain of RFC 0003's draft, still used by rust-libp2p's {@code PeerRecord} (rendezvous, identify) and
     * nim-libp2p; accepted when opening, never used to seal.
     */
    public static final String LEGACY_DOMAIN = "libp2p-routing-state";
    /** The payload type that goes with {@link #LEGACY_DOMAIN}: the UTF-8 string {@code /libp2p/routing-state-record}. */
    private static final byte[] LEGACY_PAYLOAD_TYPE = "/libp2p/routing-state-record".getBytes(StandardCharsets.UTF_8);

    private static final int PEER_ID = 1;
    private static final int SEQ = 2;
    private static final int ADDRESSES = 3;
    private static final int ADDRESS_INFO_MULTIADDR = 1;
    /** An identity Peer ID over the longest inlined key, or a SHA2-256 one, is well below this. */
    private static final int MAX_PEER_ID_LENGTH = 128;
    /** Room for the multiaddr (at most {@value Multiaddr#MAX_BYTES}) and a few future per-address fields. */
    private static final int MAX_ADDRESS_INFO_LENGTH = 2 * Multiaddr.MAX_BYTES;

    /**
     * @throws IllegalArgumentException if there are more than {@value #MAX_ADDRESSES} addresses
     */
    public PeerRecord {
        Objects.requireNonNull(peerId, "peerId");
        addresses = List.copyOf(addresses);
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("peer record with " + addresses.size()
                    + " addresses exceeds the limit of " + MAX_ADDRESSES);
        }
    }

    /** The envelope payload type: {@code 03 01} (a fresh array). */
    public static byte[] payloadType() {
        return PAYLOAD_TYPE.clone();
    }

    /** The deterministic protobuf: peer_id, seq (omitted when 0, as proto3 does), then the addresses in order. */
    public byte[] marshal() {
        Protobuf.Writer writer = new Protobuf.Writer().bytes(PEER_ID, peerId.bytes());
        if (seq != 0) {
            writer.uint64(SEQ, seq);
        }
        for (Multiaddr address : addresses) {
            writer.bytes(ADDRESSES, new Protobuf.Writer().bytes(ADDRESS_INFO_MULTIADDR, address.bytes())
                    .toByteArray());
        }
        return writer.toByteArray();
    }

    /**
     * Decodes the protobuf. Unknown fields are skipped; peer_id and seq may appear at most once. Addresses this
     * implementation cannot parse (unknown multiaddr protocols, as go and js peers may send) are left out rather
     * than failing the record, so the result may re-encode differently; the signed envelope keeps the original.
     *
     * @throws MalformedDataException if the bytes are malformed, longer than {@value SignedEnvelope#MAX_SIZE},
     *         lack a valid peer_id, or hold more than {@value #MAX_ADDRESSES} addresses
     */
    public static PeerRecord unmarshal(byte[] bytes) {
        if (bytes.length > SignedEnvelope.MAX_SIZE) {
            throw new MalformedDataException("peer record of " + bytes.length + " bytes exceeds the limit of "
                    + SignedEnvelope.MAX_SIZE);
        }
        Protobuf.Reader reader = new Protobuf.Reader(bytes, "PeerRecord");
        byte @Nullable [] peerIdBytes = null;
        long seq = 0;
        boolean seqSeen = false;
        int addressCount = 0;
        List<Multiaddr> addresses = new ArrayList<>();
        while (reader.hasNext()) {
            int field = reader.next();
            switch (field) {
                case PEER_ID:
                    if (peerIdBytes != null) {
                        throw reader.malformed("field 1 (peer_id) appears more than once");
                    }
                    peerIdBytes = reader.bytes(MAX_PEER_ID_LENGTH);
                    break;
                case SEQ:
                    if (seqSeen) {
                        throw reader.malformed("field 2 (seq) appears more than once");
                    }
                    seqSeen = true;
                    seq = reader.uint64();
                    break;
                case ADDRESSES:
                    if (++addressCount > MAX_ADDRESSES) {
                        throw reader.malformed("more than " + MAX_ADDRESSES + " addresses");
                    }
                    byte @Nullable [] address = addressOf(reader.bytes(MAX_ADDRESS_INFO_LENGTH));
                    if (address != null) {
                        try {
                            addresses.add(Multiaddr.fromBytes(address));
                        } catch (MalformedDataException unknownOrInvalid) {
                            // Deliberately dropped, see the method doc: a peer may advertise transports we lack.
                        }
                    }
                    break;
                default:
                    reader.skip();
            }
        }
        if (peerIdBytes == null || peerIdBytes.length == 0) {
            throw reader.malformed("missing field 1 (peer_id)");
        }
        PeerId peerId;
        try {
            peerId = PeerId.fromBytes(peerIdBytes);
        } catch (MalformedDataException e) {
            throw new MalformedDataException("peer record has an invalid peer_id: " + e.getMessage(), e);
        }
        return new PeerRecord(peerId, seq, addresses);
    }

    /** The multiaddr bytes of an AddressInfo, or null if it has none. */
    private static byte @Nullable [] addressOf(byte[] addressInfo) {
        Protobuf.Reader reader = new Protobuf.Reader(addressInfo, "PeerRecord.AddressInfo");
        byte @Nullable [] multiaddr = null;
        while (reader.hasNext()) {
            if (reader.next() == ADDRESS_INFO_MULTIADDR) {
                if (multiaddr != null) {
                    throw reader.malformed("field 1 (multiaddr) appears more than once");
                }
                multiaddr = reader.bytes(MAX_ADDRESS_INFO_LENGTH);
            } else {
                reader.skip();
            }
        }
        return multiaddr;
    }

    /**
     * Signs this record into an envelope.
     *
     * @param publicKey the key of {@link #peerId()}
     * @param sign signs with the matching private key, e.g. {@link io.meshwork.libp2p.api.HostIdentity#sign}
     * @throws IllegalArgumentException if {@code publicKey} is not the key of {@link #peerId()}, or as
     *         {@link SignedEnvelope#seal(PublicKey, Function, String, byte[], byte[])} throws
     */
    public SignedEnvelope seal(PublicKey publicKey, Function<byte[], byte[]> sign) {
        if (!peerId.matches(publicKey)) {
            throw new IllegalArgumentException("cannot sign the peer record of " + peerId + " with the key of "
                    + PeerId.fromPublicKey(publicKey));
        }
        return SignedEnvelope.seal(publicKey, sign, DOMAIN, PAYLOAD_TYPE, marshal());
    }

    /**
     * Signs this record with {@code key}; see {@link #seal(PublicKey, Function)}.
     *
     * @throws IllegalArgumentException if {@code key} is not the key of {@link #peerId()}
     */
    public SignedEnvelope seal(PrivateKey key) {
        return seal(key.publicKey(), key::sign);
    }

    /**
     * The record inside an envelope, after checking that the envelope was verified for {@value #DOMAIN} with
     * payload type {@code 03 01} (or for {@value #LEGACY_DOMAIN} with payload type
     * {@code /libp2p/routing-state-record}), and that its signer is the peer the record describes.
     *
     * @throws MalformedDataException if the envelope is of another domain or type, the payload is not a valid
     *         record, or the record's peer_id is not the signer's
     */
    public static PeerRecord fromEnvelope(SignedEnvelope envelope) {
        String expectedDomain = domainFor(envelope.payloadType());
        if (!envelope.domain().equals(expectedDomain)) {
            throw new MalformedDataException("envelope was signed for domain '" + envelope.domain() + "', not '"
                    + expectedDomain + "'");
        }
        PeerRecord record = unmarshal(envelope.payload());
        if (!record.peerId.matches(envelope.publicKey())) {
            throw new MalformedDataException("peer record of " + record.peerId + " is signed by a different peer, "
                    + envelope.signer());
        }
        return record;
    }

    /**
     * Opens, verifies and decodes a signed peer record as received, e.g. from identify's {@code signedPeerRecord}.
     *
     * @throws MalformedDataException if the envelope or record is invalid, see
     *         {@link SignedEnvelope#openAndVerify} and {@link #fromEnvelope(SignedEnvelope)}
     */
    public static PeerRecord fromEnvelope(byte[] signedEnvelope) {
        return fromEnvelope(SignedEnvelope.open(signedEnvelope, PeerRecord::domainFor));
    }

    private static String domainFor(byte[] payloadType) {
        if (Arrays.equals(payloadType, PAYLOAD_TYPE)) {
            return DOMAIN;
        }
        if (Arrays.equals(payloadType, LEGACY_PAYLOAD_TYPE)) {
            return LEGACY_DOMAIN;
        }
        throw new MalformedDataException("envelope does not hold a peer record (payload type "
                + HexFormat.of().formatHex(payloadType) + ")");
    }
}
