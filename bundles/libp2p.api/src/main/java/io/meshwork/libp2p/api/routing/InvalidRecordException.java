package io.meshwork.libp2p.api.routing;

/** A record does not pass its namespace's {@link RecordValidator}; the message says why. */
public class InvalidRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }
}
