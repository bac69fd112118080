package io.meshwork.libp2p.relay.internal.client;

import io.meshwork.libp2p.api.host.DialException;
import io.meshwork.libp2p.relay.internal.proto.RelayStatus;

/**
 * A relay answered with a status other than OK. The message starts with the status name, e.g.
 * {@code NO_RESERVATION: relay 12D3… cannot connect to 12D3…: the target has no reservation on this relay}.
 */
public final class RelayRefusedException extends DialException {

    private static final long serialVersionUID = 1L;
    private final int status;

    public RelayRefusedException(int status, String what) {
        super(RelayStatus.nameOf(status) + ": " + what + meaning(status));
        this.status = status;
    }

    private static String meaning(int status) {
        RelayStatus s = RelayStatus.ofCode(status);
        return s == null ? "" : ": " + s.meaning();
    }

    /** The wire status code. */
    public int status() {
        return status;
    }
}
