package io.meshwork.libp2p.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BaseEncodingsTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "base58 {0} <-> {1}")
    @CsvSource({"'', ''", "00, 1", "0000, 11", "61, 2g", "626262, a3gV", "636363, aPEr",
            "00000000000000000000, 1111111111", "000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5, 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"})
    void base58MatchesBitcoinVectors(String hex, String text) {
        assertEquals(text, Base58.encode(HEX.parseHex(hex)));
        assertEquals(hex, HEX.formatHex(Base58.decode(text)));
    }

    @Test
    void base58RejectsCharactersOutsideTheAlphabetWithIndex() {
        for (String bad : new String[] {"0", "O", "I", "l", "abc+", "é"}) {
            MalformedDataException e = assertThrows(MalformedDataException.class, () -> Base58.decode(bad));
            assertTrue(e.getMessage().contains("index"), e.getMessage());
        }
    }

    @Test
    void base58RefusesOverlongInput() {
        assertThrows(MalformedDataException.class, () -> Base58.decode("2".repeat(Base58.MAX_ENCODED_LENGTH + 1)));
        Base58.decode("2".repeat(Base58.MAX_ENCODED_LENGTH));
    }

    @Test
    void base58RoundTripsRandomData() {
        Random random = new Random(58);
        for (int i = 0; i < 500; i++) {
            byte[] data = new byte[random.nextInt(80)];
            random.nextBytes(data);
            if (data.length > 2 && random.nextBoolean()) {
                data[0] = 0;
            }
            assertArrayEquals(data, Base58.decode(Base58.encode(data)));
        }
    }

    @ParameterizedTest(name = "base32 {0} <-> {1}")
    @CsvSource({"'', ''", "f, my", "fo, mzxq", "foo, mzxw6", "foob, mzxw6yq", "fooba, mzxw6ytb",
            "foobar, mzxw6ytboi"})
    void base32MatchesRfc4648VectorsInLowerCaseWithoutPadding(String plain, String encoded) {
        byte[] data = plain.getBytes(StandardCharsets.US_ASCII);
        assertEquals(encoded, Base32.encode(data));
        assertArrayEquals(data, Base32.decode(encoded));
        assertArrayEquals(data, Base32.decode(encoded.toUpperCase()));
    }

    @Test
    void base32RejectsPaddingInvalidCharactersImpossibleLengthsAndTrailingBits() {
        assertThrows(MalformedDataException.class, () -> Base32.decode("my======"));
        assertThrows(MalformedDataException.class, () -> Base32.decode("m1"));
        assertThrows(MalformedDataException.class, () -> Base32.decode("m"));
        assertThrows(MalformedDataException.class, () -> Base32.decode("mzx"));
        assertThrows(MalformedDataException.class, () -> Base32.decode("mz"));
        MalformedDataException bits = assertThrows(MalformedDataException.class, () -> Base32.decode("mz"));
        assertTrue(bits.getMessage().contains("trailing bits"), bits.getMessage());
    }

    @Test
    void multibaseDispatchesOnPrefix() {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals("zCn8eVZg", Multibase.encode(Multibase.Encoding.BASE58BTC, data));
        assertEquals("bnbswy3dp", Multibase.encode(Multibase.Encoding.BASE32, data));
        assertEquals("BNBSWY3DP", Multibase.encode(Multibase.Encoding.BASE32_UPPER, data));
        assertEquals("uaGVsbG8", Multibase.encode(Multibase.Encoding.BASE64URL, data));
        for (String text : new String[] {"zCn8eVZg", "bnbswy3dp", "BNBSWY3DP", "uaGVsbG8"}) {
            assertArrayEquals(data, Multibase.decode(text));
        }
    }

    @Test
    void multibaseRejectsUnknownPrefixNamingIt() {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Multibase.decode("mAAAA"));
        assertTrue(e.getMessage().contains("'m'"), e.getMessage());
        assertThrows(MalformedDataException.class, () -> Multibase.decode(""));
    }

    @Test
    void multibaseRejectsWrongCaseAndNonCanonicalBase64() {
        assertThrows(MalformedDataException.class, () -> Multibase.decode("bNBSWY3DP"));
        assertThrows(MalformedDataException.class, () -> Multibase.decode("Bnbswy3dp"));
        assertThrows(MalformedDataException.class, () -> Multibase.decode("uaGVsbG9"));
        assertThrows(MalformedDataException.class, () -> Multibase.decode("uaGVsbG8="));
        assertThrows(MalformedDataException.class, () -> Multibase.decode("uaGVsb+8"));
        assertThrows(MalformedDataException.class, () -> Multibase.decode("ua"));
    }
}
