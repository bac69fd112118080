package io.meshwork.libp2p.security.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code Noise_XX_25519_ChaChaPoly_SHA256} vector from cacophony's {@code vectors/cacophony.txt}
 * (haskell-cryptography/cacophony), reproduced byte for byte by both AEAD implementations. The vector uses the
 * prologue "John Galt"; messages alternate between initiator and responder, the last three being transport
 * messages.
 */
class CacophonyVectorTest {

    private static final String PROLOGUE = "4a6f686e2047616c74";
    private static final String INIT_STATIC = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
    private static final String INIT_EPHEMERAL = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
    private static final String RESP_STATIC = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
    private static final String RESP_EPHEMERAL = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";

    /** payload, ciphertext; even indexes are sent by the initiator. */
    private static final String[][] MESSAGES = {
        {"4c756477696720766f6e204d69736573",
            "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
        {"4d757272617920526f746862617264",
            "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b"
                + "68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c719"
                + "4e83f23dbd8d162c9326ad"},
        {"462e20412e20486179656b",
            "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fe"
                + "a0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"},
        {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
        {"4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
        {"457567656e2042f6686d20766f6e2042617765726b",
            "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
    };

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @ParameterizedTest
    @EnumSource(value = AeadProvider.class, names = {"JDK", "BOUNCY_CASTLE"})
    void reproducesHandshakeAndTransportMessagesByteForByte(AeadProvider provider) throws NoiseException {
        HandshakeState initiator = new HandshakeState(true, hex(PROLOGUE),
                X25519KeyPair.fromPrivateKey(hex(INIT_STATIC)), X25519KeyPair.fromPrivateKey(hex(INIT_EPHEMERAL)),
                provider);
        HandshakeState responder = new HandshakeState(false, hex(PROLOGUE),
                X25519KeyPair.fromPrivateKey(hex(RESP_STATIC)), X25519KeyPair.fromPrivateKey(hex(RESP_EPHEMERAL)),
                provider);

        for (int i = 0; i < 3; i++) {
            HandshakeState writer = i % 2 == 0 ? initiator : responder;
            HandshakeState reader = i % 2 == 0 ? responder : initiator;
            byte[] message = writer.writeMessage(hex(MESSAGES[i][0]));
            assertArrayEquals(hex(MESSAGES[i][1]), message, "handshake message " + (i + 1));
            assertArrayEquals(hex(MESSAGES[i][0]), reader.readMessage(message), "payload " + (i + 1));
        }
        assertTrue(initiator.isComplete());
        assertTrue(responder.isComplete());
        assertArrayEquals(X25519KeyPair.fromPrivateKey(hex(RESP_STATIC)).publicKey(), initiator.remoteStaticKey());
        assertArrayEquals(X25519KeyPair.fromPrivateKey(hex(INIT_STATIC)).publicKey(), responder.remoteStaticKey());

        HandshakeState.TransportCiphers i = initiator.split();
        HandshakeState.TransportCiphers r = responder.split();
        assertArrayEquals(i.handshakeHash(), r.handshakeHash());
        NoiseSession initiatorSession = new NoiseSession(i.sender(), i.receiver(), i.handshakeHash(), provider);
        NoiseSession responderSession = new NoiseSession(r.sender(), r.receiver(), r.handshakeHash(), provider);
        assertEquals(provider, i.sender().aeadProvider());

        for (int m = 3; m < MESSAGES.length; m++) {
            NoiseSession writer = m % 2 == 0 ? initiatorSession : responderSession;
            NoiseSession reader = m % 2 == 0 ? responderSession : initiatorSession;
            byte[] ciphertext = writer.encrypt(hex(MESSAGES[m][0]));
            assertArrayEquals(hex(MESSAGES[m][1]), ciphertext, "transport message " + (m + 1));
            assertArrayEquals(hex(MESSAGES[m][0]), reader.decrypt(ciphertext), "transport payload " + (m + 1));
        }
    }
}
