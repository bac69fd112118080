package io.meshwork.libp2p.relay.internal.proto;

/**
 * The limits of a relayed connection: {@code durationSeconds} (an unsigned 32-bit value) and {@code dataBytes} per
 * direction; 0 means no limit for that resource.
 */
public record Limit(long durationSeconds, long dataBytes) {

    public static final Limit NONE = new Limit(0, 0);

    public Limit {
        if (durationSeconds < 0 || durationSeconds > 0xffff_ffffL) {
            throw new IllegalArgumentException("duration " + durationSeconds + " s is not an unsigned 32-bit value");
        }
        if (dataBytes < 0) {
            throw new IllegalArgumentException("data limit " + dataBytes + " is negative");
        }
    }

    public boolean isUnlimited() {
        return durationSeconds == 0 && dataBytes == 0;
    }

    @Override
    public String toString() {
        return (durationSeconds == 0 ? "unlimited time" : durationSeconds + " s") + ", "
                + (dataBytes == 0 ? "unlimited data" : dataBytes + " bytes per direction");
    }
}
