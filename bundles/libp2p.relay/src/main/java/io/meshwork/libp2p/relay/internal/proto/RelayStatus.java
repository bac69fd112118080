package io.meshwork.libp2p.relay.internal.proto;

import org.jspecify.annotations.Nullable;

/**
 * The status codes of Circuit Relay v2, with the numbers of the specification. The constant names are the texts
 * users see in errors ("NO_RESERVATION: ..."), because they are what other implementations log as well.
 */
public enum RelayStatus {
    UNUSED(0, "no status"),
    OK(100, "ok"),
    RESERVATION_REFUSED(200, "the relay refused the reservation"),
    RESOURCE_LIMIT_EXCEEDED(201, "a resource limit of the relay is exhausted"),
    PERMISSION_DENIED(202, "the relay does not allow this peer or this kind of connection"),
    CONNECTION_FAILED(203, "the relay could not connect to the target"),
    NO_RESERVATION(204, "the target has no reservation on this relay"),
    MALFORMED_MESSAGE(400, "the message could not be decoded"),
    UNEXPECTED_MESSAGE(401, "the message was not expected at this point");

    private final int code;
    private final String meaning;

    RelayStatus(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** A short explanation for users, e.g. "the target has no reservation on this relay". */
    public String meaning() {
        return meaning;
    }

    /** The status with this wire code, or null if the code is not one of the specification's. */
    public static @Nullable RelayStatus ofCode(long code) {
        for (RelayStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }

    /** The name of a wire code for messages: the constant name, or {@code UNKNOWN_STATUS_<code>}. */
    public static String nameOf(int code) {
        RelayStatus s = ofCode(code);
        return s == null ? "UNKNOWN_STATUS_" + code : s.name();
    }
}
