package io.meshwork.libp2p.relay.internal.proto;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Reservation} message: expiry (UNIX seconds), the relay's addresses (with {@code /p2p/<relay>}) and the
 * serialized voucher envelope, if any.
 */
public record Reservation(long expire, List<Multiaddr> addrs, byte @Nullable [] voucher) {

    public Reservation {
        addrs = List.copyOf(addrs);
        voucher = voucher == null ? null : voucher.clone();
    }

    @Override
    public byte @Nullable [] voucher() {
        return voucher == null ? null : voucher.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Reservation r && r.expire == expire && r.addrs.equals(addrs)
                && Arrays.equals(r.voucher, voucher);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(expire) * 31 + addrs.hashCode() * 17 + Arrays.hashCode(voucher);
    }

    @Override
    public String toString() {
        return "Reservation[expire=" + expire + ", addrs=" + addrs + ", voucher="
                + (voucher == null ? "none" : voucher.length + " bytes") + "]";
    }
}
