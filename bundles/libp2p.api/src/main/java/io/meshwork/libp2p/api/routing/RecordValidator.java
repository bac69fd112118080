package io.meshwork.libp2p.api.routing;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides which records of one key namespace the DHT accepts and which of several is best. Register
 * implementations as OSGi services with the {@value #NAMESPACE} property (e.g. {@code pk} for keys
 * {@code /pk/...}); the DHT stores and returns only records of namespaces with a validator. Implementations must be
 * pure and fast (they run on the DHT's thread for every record received) and thread-safe.
 *
 * <p>A typical record is a signed envelope signed by the key owner named in the record key, carrying a sequence
 * number; {@link #select} then picks the highest sequence number.
 */
@ConsumerType
public interface RecordValidator {

    /** Service property: the namespace, without slashes, e.g. {@code pk}. */
    String NAMESPACE = "libp2p.record.namespace";

    /**
     * Checks {@code value} for {@code key} (the whole key, namespace included).
     *
     * @throws InvalidRecordException saying why the record is invalid
     */
    void validate(byte[] key, byte[] value) throws InvalidRecordException;

    /**
     * The index of the best of {@code values} (at least one; all already validated for {@code key}). Called to
     * choose between a stored record and a new one, and between the answers of a lookup.
     */
    int select(byte[] key, List<byte[]> values);
}
