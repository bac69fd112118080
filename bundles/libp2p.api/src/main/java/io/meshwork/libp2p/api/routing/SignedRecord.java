package io.meshwork.libp2p.api.routing;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.SignedEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Meshwork's own DHT record: a value published by a peer under a key naming that peer, signed by it and ordered by
 * a sequence number. Keys are {@code /meshwork/<peer-id base58>/<name>}; values are {@link SignedEnvelope}s (domain
 * {@value #DOMAIN}, payload type {@code /meshwork/record}) whose payload is the protobuf
 * {@code { bytes key = 1; uint64 seq = 2; bytes data = 3; }}. The signer must be the peer named in the key and the
 * payload's key must equal the record key, so a record can be neither forged nor replayed under another key. Of two
 * valid records the higher sequence number wins. Immutable.
 */
public final class SignedRecord {

    /** The key namespace. */
    public static final String NAMESPACE = "meshwork";
    /** The signature domain of the envelope. */
    public static final String DOMAIN = "meshwork-dht-record";
    /** Longest record name accepted by {@link #key}. */
    public static final int MAX_NAME_LENGTH = 200;
    /** Longest data accepted. */
    public static final int MAX_DATA_LENGTH = 16 * 1024;

    private static final byte[] PAYLOAD_TYPE = "/meshwork/record".getBytes(StandardCharsets.US_ASCII);

    private final PeerId signer;
    private final long seq;
    private final byte[] data;

    private SignedRecord(PeerId signer, long seq, byte[] data) {
        this.signer = signer;
        this.seq = seq;
        this.data = data;
    }

    /** The key of {@code peer}'s record called {@code name} (printable, no slash). */
    public static byte[] key(PeerId peer, String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("record name must be 1 to " + MAX_NAME_LENGTH
                    + " characters without '/': '" + name + "'");
        }
        return ("/" + NAMESPACE + "/" + peer.toBase58() + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Signs a record. {@code sign} signs with the private key of {@code publicKey}, whose peer must be the one named
     * in {@code key}.
     */
    public static byte[] seal(PublicKey publicKey, Function<byte[], byte[]> sign, byte[] key, long seq,
            byte[] data) {
        if (data.length > MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("record data of " + data.length + " bytes exceeds " + MAX_DATA_LENGTH);
        }
        PeerId named = namedPeer(key);
        if (!named.matches(publicKey)) {
            throw new IllegalArgumentException("key names " + named + " but the signer is "
                    + PeerId.fromPublicKey(publicKey));
        }
        byte[] payload = new Protobuf.Writer().bytes(1, key).uint64(2, seq).bytes(3, data).toByteArray();
        return SignedEnvelope.seal(publicKey, sign, DOMAIN, PAYLOAD_TYPE, payload).marshal();
    }

    /**
     * Opens and verifies {@code value} as the record for {@code key}.
     *
     * @throws InvalidRecordException saying why it is not a valid record for that key
     */
    public static SignedRecord open(byte[] key, byte[] value) throws InvalidRecordException {
        PeerId named;
        try {
            named = namedPeer(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(e.getMessage());
        }
        SignedEnvelope envelope;
        try {
            envelope = SignedEnvelope.openAndVerify(value, DOMAIN, PAYLOAD_TYPE);
        } catch (MalformedDataException e) {
            throw new InvalidRecordException("not a signed meshwork record: " + e.getMessage());
        }
        if (!envelope.signer().equals(named)) {
            throw new InvalidRecordException("record for " + named + " is signed by " + envelope.signer());
        }
        byte[] payloadKey = null;
        long seq = 0;
        byte[] data = new byte[0];
        try {
            Protobuf.Reader reader = new Protobuf.Reader(envelope.payload(), "SignedRecord");
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case 1 -> payloadKey = reader.bytes(4096);
                    case 2 -> seq = reader.uint64();
                    case 3 -> data = reader.bytes(MAX_DATA_LENGTH);
                    default -> reader.skip();
                }
            }
        } catch (MalformedDataException e) {
            throw new InvalidRecordException(e.getMessage());
        }
        if (payloadKey == null || !Arrays.equals(payloadKey, key)) {
            throw new InvalidRecordException("record was signed for another key");
        }
        return new SignedRecord(named, seq, data);
    }

    /** The peer named in a {@code /meshwork/<peer>/<name>} key. */
    public static PeerId namedPeer(byte[] key) {
        String text = new String(key, StandardCharsets.UTF_8);
        String prefix = "/" + NAMESPACE + "/";
        int end = text.indexOf('/', prefix.length());
        if (!text.startsWith(prefix) || end < 0 || end == text.length() - 1
                || text.length() - end - 1 > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("not a /" + NAMESPACE + "/<peer-id>/<name> key: " + text);
        }
        try {
            return PeerId.parse(text.substring(prefix.length(), end));
        } catch (MalformedDataException e) {
            throw new IllegalArgumentException("key " + text + " does not name a peer: " + e.getMessage(), e);
        }
    }

    public PeerId signer() {
        return signer;
    }

    public long seq() {
        return seq;
    }

    public byte[] data() {
        return data.clone();
    }
}
