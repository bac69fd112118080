package io.meshwork.libp2p.relay.internal.proto;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Protobuf;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.record.SignedEnvelope;
import java.util.function.Function;

/**
 * A reservation voucher: the relay's signed statement that it serves {@code peer} until {@code expiration} (UNIX
 * seconds). Carried as a {@link SignedEnvelope} with domain {@value #DOMAIN} and payload type {@code 0x0302}.
 */
public record Voucher(PeerId relay, PeerId peer, long expiration) {

    public static final String DOMAIN = "libp2p-relay-rsvp";
    /** The multicodec {@code libp2p-relay-rsvp} (0x0302) as an unsigned varint. */
    private static final byte[] PAYLOAD_TYPE = {0x03, 0x02};

    public static byte[] payloadType() {
        return PAYLOAD_TYPE.clone();
    }

    /** Canonical payload: all three fields, in field order. */
    public byte[] payload() {
        return new Protobuf.Writer().bytes(1, relay.bytes()).bytes(2, peer.bytes()).uint64(3, expiration)
                .toByteArray();
    }

    /** Signs this voucher as the relay; {@code sign} signs with the private key of {@code relayKey}. */
    public SignedEnvelope seal(PublicKey relayKey, Function<byte[], byte[]> sign) {
        return SignedEnvelope.seal(relayKey, sign, DOMAIN, PAYLOAD_TYPE, payload());
    }

    /**
     * Verifies a serialized envelope and decodes its voucher; the signer must be the voucher's relay.
     *
     * @throws MalformedDataException if the envelope or the payload is invalid or signed by someone else
     */
    public static Voucher open(byte[] envelope) {
        SignedEnvelope env = SignedEnvelope.openAndVerify(envelope, DOMAIN, PAYLOAD_TYPE);
        Voucher v = decode(env.payload());
        if (!v.relay.equals(env.signer())) {
            throw new MalformedDataException("reservation voucher for relay " + v.relay + " is signed by "
                    + env.signer());
        }
        return v;
    }

    static Voucher decode(byte[] payload) {
        Protobuf.Reader r = new Protobuf.Reader(payload, "Voucher");
        PeerId relay = null;
        PeerId peer = null;
        Long expiration = null;
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> relay = RelayCodec.peerId(r, r.bytes(RelayCodec.MAX_PEER_ID));
                case 2 -> peer = RelayCodec.peerId(r, r.bytes(RelayCodec.MAX_PEER_ID));
                case 3 -> expiration = r.uint64();
                default -> r.skip();
            }
        }
        if (relay == null || peer == null || expiration == null) {
            throw r.malformed("voucher needs relay, peer and expiration");
        }
        return new Voucher(relay, peer, expiration);
    }
}
