package io.meshwork.libp2p.kad.internal.engine;

import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/** A byte array as a map key (not copied: do not modify it afterwards). */
public record Bytes(byte[] bytes) {

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
