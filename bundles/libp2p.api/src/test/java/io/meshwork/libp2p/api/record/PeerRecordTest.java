package io.meshwork.libp2p.api.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.SpecVectors;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerRecordTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final PrivateKey KEY = SignedEnvelopeTest.ED25519;
    private static final PeerId PEER = PeerId.parse(SpecVectors.ED25519_PEER_ID);
    private static final Multiaddr LOCAL = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    private static final Multiaddr QUIC = Multiaddr.parse("/ip4/1.2.3.4/udp/4001/quic-v1");

    @Test
    void payloadTypeIsTheTwoByteMulticodecAsGoWritesItNotItsVarint() {
        assertEquals("0301", HEX.formatHex(PeerRecord.payloadType()));
        assertEquals("libp2p-peer-record", PeerRecord.DOMAIN);
    }

    @Test
    void wireFormMatchesAHandComputedVector() {
        // 0a 26 <peer id: 00 24 + PublicKey protobuf>   field 1, 38 bytes
        // 10 ac 02                                      field 2, seq 300
        // 1a 0a 0a 08 047f000001 060fa1                 field 3, AddressInfo{ 1: /ip4/127.0.0.1/tcp/4001 }
        // 1a 0d 0a 0b 0401020304 91020fa1 cd03          field 3, AddressInfo{ 1: /ip4/1.2.3.4/udp/4001/quic-v1 }
        String expected = "0a26" + "0024" + SpecVectors.ED25519_PUBLIC + "10ac02"
                + "1a0a" + "0a08" + "047f000001060fa1"
                + "1a0d" + "0a0b" + "04010203049102" + "0fa1" + "cd03";
        PeerRecord record = new PeerRecord(PEER, 300, List.of(LOCAL, QUIC));
        assertEquals(expected, HEX.formatHex(record.marshal()));
        assertEquals(record, PeerRecord.unmarshal(HEX.parseHex(expected)));
    }

    @Test
    void zeroSeqIsOmittedAndTheLargestUnsignedSeqRoundTrips() {
        assertEquals("0a26" + "0024" + SpecVectors.ED25519_PUBLIC,
                HEX.formatHex(new PeerRecord(PEER, 0, List.of()).marshal()));
        PeerRecord max = new PeerRecord(PEER, -1L, List.of(LOCAL));
        assertTrue(HEX.formatHex(max.marshal()).contains("10ffffffffffffffffff01"));
        assertEquals(max, PeerRecord.unmarshal(max.marshal()));
    }

    @Test
    void unknownFieldsAreSkippedInTheRecordAndInAddressInfo() {
        String hex = "0a26" + "0024" + SpecVectors.ED25519_PUBLIC + "2003" + "1a0e" + "0a08" + "047f000001060fa1"
                + "1202abcd" + "6a00" + "10" + "07";
        PeerRecord record = PeerRecord.unmarshal(HEX.parseHex(hex));
        assertEquals(new PeerRecord(PEER, 7, List.of(LOCAL)), record);
    }

    @Test
    void addressesThisImplementationCannotParseAreLeftOut() {
        // 0x0040 is not a multiaddr protocol code we know; the second address is fine.
        String hex = "0a26" + "0024" + SpecVectors.ED25519_PUBLIC + "1a04" + "0a02" + "4000"
                + "1a0a" + "0a08" + "047f000001060fa1";
        assertEquals(List.of(LOCAL), PeerRecord.unmarshal(HEX.parseHex(hex)).addresses());
    }

    @Test
    void malformedRecordsAreRejected() {
        String peer = "0a26" + "0024" + SpecVectors.ED25519_PUBLIC;
        for (String hex : new String[] {
            "",                       // no peer_id
            "1001",                   // no peer_id
            "0a03000102",             // invalid multihash / Peer ID
            peer + peer,              // duplicate peer_id
            peer + "1001" + "1002",   // duplicate seq
            peer + "1a02",            // truncated AddressInfo
            peer + "1200",            // seq with the LEN wire type
            peer + "1b",              // group wire type
            peer + "1281",            // truncated varint
            peer + "108100",          // non-minimal varint
            peer + "10ffffffffffffffffff02",   // more than 64 bits
            peer + "0801",            // field 1 again, now as a varint
        }) {
            assertThrows(MalformedDataException.class, () -> PeerRecord.unmarshal(HEX.parseHex(hex)),
                    "accepted " + hex);
        }
    }

    @Test
    void moreThanTheMaximumNumberOfAddressesIsRejected() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEX.parseHex("0a26" + "0024" + SpecVectors.ED25519_PUBLIC));
        for (int i = 0; i <= PeerRecord.MAX_ADDRESSES; i++) {
            out.writeBytes(HEX.parseHex("1a0a0a08047f000001060fa1"));
        }
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PeerRecord.unmarshal(out.toByteArray()));
        assertTrue(e.getMessage().contains("addresses"), e.getMessage());
        List<Multiaddr> tooMany = new ArrayList<>();
        for (int i = 0; i <= PeerRecord.MAX_ADDRESSES; i++) {
            tooMany.add(LOCAL);
        }
        assertThrows(IllegalArgumentException.class, () -> new PeerRecord(PEER, 1, tooMany));
    }

    @Test
    void sealedRecordOpensFromItsEnvelopeBytes() {
        PeerRecord record = new PeerRecord(PEER, 1_700_000_000_000_000_000L, List.of(LOCAL, QUIC));
        SignedEnvelope envelope = record.seal(KEY);
        assertEquals(PeerRecord.DOMAIN, envelope.domain());
        assertArrayEquals(PeerRecord.payloadType(), envelope.payloadType());
        assertEquals(record, PeerRecord.fromEnvelope(envelope.marshal()));
        assertEquals(record, PeerRecord.fromEnvelope(envelope));
        assertEquals(record, PeerRecord.fromEnvelope(
                SignedEnvelope.openAndVerify(envelope.marshal(), PeerRecord.DOMAIN, PeerRecord.payloadType())));
    }

    @Test
    void recordsOfHashedPeerIdsVerifyWithTheEnclosedKey() {
        PrivateKey ecdsa = SignedEnvelopeTest.ECDSA;
        PeerRecord record = new PeerRecord(PeerId.fromPublicKey(ecdsa.publicKey()), 5, List.of(QUIC));
        assertEquals(record, PeerRecord.fromEnvelope(record.seal(ecdsa).marshal()));
    }

    @Test
    void aRecordSignedByAnotherPeerIsRejected() {
        PeerRecord record = new PeerRecord(PEER, 1, List.of(LOCAL));
        // Seal it the low-level way so the sealing-side check does not stop us.
        SignedEnvelope forged = SignedEnvelope.seal(SignedEnvelopeTest.SECP256K1, PeerRecord.DOMAIN,
                PeerRecord.payloadType(), record.marshal());
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PeerRecord.fromEnvelope(forged.marshal()));
        assertTrue(e.getMessage().contains("different peer"), e.getMessage());
        assertThrows(MalformedDataException.class, () -> PeerRecord.fromEnvelope(forged));
    }

    @Test
    void sealingWithAKeyOfAnotherPeerIsRefused() {
        PeerRecord record = new PeerRecord(PEER, 1, List.of(LOCAL));
        assertThrows(IllegalArgumentException.class, () -> record.seal(SignedEnvelopeTest.SECP256K1));
    }

    @Test
    void anEnvelopeOfAnotherDomainOrTypeIsNotAPeerRecord() {
        byte[] payload = new PeerRecord(PEER, 1, List.of(LOCAL)).marshal();
        SignedEnvelope otherDomain = SignedEnvelope.seal(KEY, "libp2p-relay-rsvp", PeerRecord.payloadType(), payload);
        assertThrows(MalformedDataException.class, () -> PeerRecord.fromEnvelope(otherDomain));
        // The domain is not on the wire: the bytes fail signature verification under the peer-record domain.
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> PeerRecord.fromEnvelope(otherDomain.marshal()));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        SignedEnvelope otherType = SignedEnvelope.seal(KEY, PeerRecord.DOMAIN, new byte[] {0x03, 0x02}, payload);
        e = assertThrows(MalformedDataException.class, () -> PeerRecord.fromEnvelope(otherType.marshal()));
        assertTrue(e.getMessage().contains("payload type 0302"), e.getMessage());
        SignedEnvelope varintType = SignedEnvelope.seal(KEY, PeerRecord.DOMAIN, HEX.parseHex("8106"), payload);
        assertThrows(MalformedDataException.class, () -> PeerRecord.fromEnvelope(varintType.marshal()));
    }

    @Test
    void legacyRoutingStateEnvelopesAsRustWritesThemAreAccepted() {
        PeerRecord record = new PeerRecord(PEER, 9, List.of(LOCAL));
        byte[] legacyType = "/libp2p/routing-state-record".getBytes(StandardCharsets.UTF_8);
        SignedEnvelope legacy = SignedEnvelope.seal(KEY, PeerRecord.LEGACY_DOMAIN, legacyType, record.marshal());
        assertEquals(record, PeerRecord.fromEnvelope(legacy.marshal()));
        assertEquals(record, PeerRecord.fromEnvelope(legacy));
        // but the legacy type under the new domain (or the reverse) is a mismatch
        SignedEnvelope mixed = SignedEnvelope.seal(KEY, PeerRecord.DOMAIN, legacyType, record.marshal());
        assertThrows(MalformedDataException.class, () -> PeerRecord.fromEnvelope(mixed.marshal()));
        assertThrows(MalformedDataException.class, () -> PeerRecord.fromEnvelope(mixed));
    }

    @Test
    void fuzzedEnvelopesOnlyFailWithMalformedDataAndAcceptedOnesRoundTrip() {
        Random random = new Random(42);
        List<byte[]> corpus = List.of(
                new PeerRecord(PEER, 1, List.of(LOCAL, QUIC)).seal(KEY).marshal(),
                new PeerRecord(PEER, 0, List.of()).seal(KEY).marshal());
        int accepted = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
            int mutations = random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                input = mutate(random, input);
            }
            try {
                PeerRecord record = PeerRecord.fromEnvelope(input);
                accepted++;
                assertEquals(PEER, record.peerId());
            } catch (MalformedDataException expected) {
                // the only failure allowed
            }
        }
        assertTrue(accepted >= 500, "only " + accepted + " inputs were accepted");
    }

    @Test
    void fuzzedRecordsOnlyFailWithMalformedDataAndAcceptedOnesRoundTrip() {
        Random random = new Random(43);
        byte[] seed = new PeerRecord(PEER, 300, List.of(LOCAL, QUIC)).marshal();
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input = seed.clone();
            for (int m = random.nextInt(3); m >= 0; m--) {
                input = mutate(random, input);
            }
            try {
                PeerRecord record = PeerRecord.unmarshal(input);
                assertEquals(record, PeerRecord.unmarshal(record.marshal()));
                accepted++;
            } catch (MalformedDataException expected) {
                // the only failure allowed
            }
        }
        assertTrue(accepted > 100, "only " + accepted + " inputs were accepted");
    }

    static byte[] mutate(Random random, byte[] input) {
        switch (random.nextInt(4)) {
            case 0: {
                if (input.length == 0) {
                    return input;
                }
                byte[] out = input.clone();
                out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1: {
                return Arrays.copyOf(input, random.nextInt(input.length + 1));
            }
            case 2: {
                byte[] extra = new byte[1 + random.nextInt(4)];
                random.nextBytes(extra);
                int at = random.nextInt(input.length + 1);
                byte[] out = new byte[input.length + extra.length];
                System.arraycopy(input, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(input, at, out, at + extra.length, input.length - at);
                return out;
            }
            default: {
                if (input.length == 0) {
                    return input;
                }
                byte[] out = input.clone();
                out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                return out;
            }
        }
    }
}
