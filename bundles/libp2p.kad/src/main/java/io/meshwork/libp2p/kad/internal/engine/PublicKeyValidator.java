package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.InvalidRecordException;
import io.meshwork.libp2p.api.routing.RecordValidator;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code /pk/} namespace: key {@code /pk/<peer-id multihash bytes>}, value the marshalled public key of that
 * peer. All valid values for a key are equal, so {@link #select} takes the first.
 */
public final class PublicKeyValidator implements RecordValidator {

    public static final String NAMESPACE = "pk";
    private static final int PREFIX = 4; // "/pk/"

    @Override
    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        if (key.length <= PREFIX || key[0] != '/' || key[1] != 'p' || key[2] != 'k' || key[3] != '/') {
            throw new InvalidRecordException("not a /pk/ key");
        }
        byte[] id = Arrays.copyOfRange(key, PREFIX, key.length);
        PublicKey publicKey;
        try {
            publicKey = PublicKey.unmarshal(value);
        } catch (MalformedDataException e) {
            throw new InvalidRecordException("/pk/ value is not a public key: " + e.getMessage());
        }
        if (!Arrays.equals(PeerId.fromPublicKey(publicKey).bytes(), id)) {
            throw new InvalidRecordException("/pk/ value is the key of " + PeerId.fromPublicKey(publicKey)
                    + ", not of the peer named in the key");
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        return 0;
    }
}
