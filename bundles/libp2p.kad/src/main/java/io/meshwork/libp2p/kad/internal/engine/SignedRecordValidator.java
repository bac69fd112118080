package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.routing.InvalidRecordException;
import io.meshwork.libp2p.api.routing.RecordValidator;
import io.meshwork.libp2p.api.routing.SignedRecord;
import java.util.List;

/**
 * The {@code /meshwork/} namespace: {@link SignedRecord}s, signed by the peer named in the key; the highest
 * sequence number wins (the first of equals).
 */
public final class SignedRecordValidator implements RecordValidator {

    @Override
    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        SignedRecord.open(key, value);
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        int best = -1;
        long bestSeq = 0;
        for (int i = 0; i < values.size(); i++) {
            try {
                long seq = SignedRecord.open(key, values.get(i)).seq();
                if (best < 0 || Long.compareUnsigned(seq, bestSeq) > 0) {
                    best = i;
                    bestSeq = seq;
                }
            } catch (InvalidRecordException e) {
                // not a candidate
            }
        }
        return Math.max(best, 0);
    }
}
