package io.meshwork.libp2p.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultihashTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sha256OfEmptyInputHasTheKnownEncoding() {
        Multihash multihash = Multihash.sha256(new byte[0]);
        assertEquals("1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HEX.formatHex(multihash.encode()));
        assertEquals(Multihash.SHA2_256, multihash.code());
        assertEquals(multihash, Multihash.decode(multihash.encode()));
    }

    @Test
    void identityCarriesTheDataItself() {
        byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
        Multihash multihash = Multihash.identity(data);
        assertEquals("0003616263", HEX.formatHex(multihash.encode()));
        assertArrayEquals(data, Multihash.decode(HEX.parseHex("0003616263")).digest());
    }

    @Test
    void isImmutable() {
        byte[] digest = new byte[32];
        Multihash multihash = new Multihash(Multihash.SHA2_256, digest);
        digest[0] = 1;
        multihash.digest()[1] = 1;
        assertArrayEquals(new byte[32], multihash.digest());
        assertNotEquals(multihash, new Multihash(Multihash.SHA2_256, digest));
    }

    @Test
    void rejectsTruncatedDigestWithoutAllocatingForTheClaimedLength() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> Multihash.decode(HEX.parseHex("0005616263")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(MalformedDataException.class, () -> Multihash.decode(HEX.parseHex("00ffffffff0f")));
    }

    @Test
    void rejectsSha256WithWrongDigestLength() {
        assertThrows(MalformedDataException.class, () -> Multihash.decode(HEX.parseHex("1203616263")));
        assertThrows(MalformedDataException.class, () -> new Multihash(Multihash.SHA2_256, new byte[31]));
    }

    @Test
    void rejectsDigestsAboveTheLimitAndTrailingBytes() {
        assertThrows(MalformedDataException.class, () -> Multihash.identity(new byte[Multihash.MAX_DIGEST_LENGTH + 1]));
        assertThrows(MalformedDataException.class, () -> Multihash.decode(HEX.parseHex("000161ff")));
        assertThrows(MalformedDataException.class, () -> Multihash.decode(HEX.parseHex("ffffffff7f00")));
    }

    @Test
    void byteBufferDecodeLeavesFollowingBytesAndRestoresPositionOnFailure() {
        ByteBuffer buffer = ByteBuffer.wrap(HEX.parseHex("000161" + "0005"));
        assertEquals(Multihash.identity(new byte[] {0x61}), Multihash.decode(buffer));
        assertEquals(3, buffer.position());
        assertThrows(MalformedDataException.class, () -> Multihash.decode(buffer));
        assertEquals(3, buffer.position());
    }
}
