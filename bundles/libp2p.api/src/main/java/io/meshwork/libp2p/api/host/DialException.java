package io.meshwork.libp2p.api.host;

/** Connecting to a peer failed; the message lists each address tried and why it failed. */
public class DialException extends Libp2pException {
    private static final long serialVersionUID = 1L;

    public DialException(String message) {
        super(message);
    }

    public DialException(String message, Throwable cause) {
        super(message, cause);
    }
}
