package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.routing.InvalidRecordException;
import io.meshwork.libp2p.api.routing.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record validators by namespace: a key {@code /<ns>/<rest>} is checked by the validator registered for
 * {@code ns}; keys of other namespaces are refused. Thread-safe (validators come and go as services).
 */
public final class Validators {

    private final Map<String, RecordValidator> byNamespace = new ConcurrentHashMap<>();

    public void add(String namespace, RecordValidator validator) {
        byNamespace.put(namespace, validator);
    }

    public void remove(String namespace, RecordValidator validator) {
        byNamespace.remove(namespace, validator);
    }

    /** The namespace of {@code key}: the text between the first two slashes. */
    public static String namespace(byte[] key) throws InvalidRecordException {
        if (key.length < 3 || key[0] != '/') {
            throw new InvalidRecordException("record key does not start with /<namespace>/");
        }
        for (int i = 1; i < key.length && i < 64; i++) {
            if (key[i] == '/') {
                if (i == 1) {
                    break;
                }
                return new String(key, 1, i - 1, StandardCharsets.UTF_8);
            }
        }
        throw new InvalidRecordException("record key does not start with /<namespace>/");
    }

    private RecordValidator validator(byte[] key) throws InvalidRecordException {
        String ns = namespace(key);
        RecordValidator v = byNamespace.get(ns);
        if (v == null) {
            throw new InvalidRecordException("no validator for the record namespace '" + ns + "'");
        }
        return v;
    }

    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        RecordValidator v = validator(key);
        try {
            v.validate(key, value);
        } catch (RuntimeException e) {
            throw new InvalidRecordException("validator of '" + namespace(key) + "' failed: " + e);
        }
    }

    /** The index of the best of {@code values} (validated), or 0 if the validator returns nonsense. */
    public int select(byte[] key, List<byte[]> values) throws InvalidRecordException {
        if (values.size() == 1) {
            return 0;
        }
        int i;
        try {
            i = validator(key).select(key, values);
        } catch (RuntimeException e) {
            return 0;
        }
        return i >= 0 && i < values.size() ? i : 0;
    }
}
