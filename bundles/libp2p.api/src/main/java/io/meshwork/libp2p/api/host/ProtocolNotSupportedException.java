package io.meshwork.libp2p.api.host;

import java.util.List;

/** The remote answered {@code na} to every protocol offered. */
public class ProtocolNotSupportedException extends Libp2pException {
    private static final long serialVersionUID = 1L;
    private final List<String> protocols;

    public ProtocolNotSupportedException(String message, List<String> protocols) {
        super(message);
        this.protocols = List.copyOf(protocols);
    }

    /** The protocols that were offered. */
    public List<String> protocols() {
        return protocols;
    }
}
