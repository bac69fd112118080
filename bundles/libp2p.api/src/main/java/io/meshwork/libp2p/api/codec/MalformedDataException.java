package io.meshwork.libp2p.api.codec;

/**
 * Thrown when bytes or text received from outside (the network, a file, a user) do not follow the format
 * they claim to follow. It is the one exception every decoder in this bundle throws for bad input; the message
 * says what was wrong and, where it helps, at which offset.
 *
 * <p>It extends {@link IllegalArgumentException} because bad input is a bad argument to the decoder; callers
 * that handle untrusted data catch this type specifically.
 */
public class MalformedDataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @param message what was malformed and where */
    public MalformedDataException(String message) {
        super(message);
    }

    /**
     * @param message what was malformed and where
     * @param cause the lower-level failure that revealed it
     */
    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
