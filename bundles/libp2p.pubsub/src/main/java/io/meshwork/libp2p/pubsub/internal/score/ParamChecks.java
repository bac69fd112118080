package io.meshwork.libp2p.pubsub.internal.score;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the parameter records; every failure names the parameter and the bad value. */
final class ParamChecks {

    private ParamChecks() {
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static void finite(String name, double value) {
        require(Double.isFinite(value), name + " must be a finite number, got " + value);
    }

    static void nonNegative(String name, double value) {
        finite(name, value);
        require(value >= 0, name + " must be >= 0, got " + value);
    }

    static void nonPositive(String name, double value) {
        finite(name, value);
        require(value <= 0, name + " must be <= 0, got " + value);
    }

    /** A decay factor: in [0, 1] always, and strictly inside (0, 1) when the component it decays is weighted. */
    static void decay(String name, double value, boolean used) {
        finite(name, value);
        if (used) {
            require(value > 0 && value < 1, name + " must be in (0, 1) while its weight is non-zero, got " + value);
        } else {
            require(value >= 0 && value <= 1, name + " must be in [0, 1], got " + value);
        }
    }

    static void nonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        require(!value.isNegative(), name + " must not be negative, got " + value);
    }

    static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        require(!value.isNegative() && !value.isZero(), name + " must be positive, got " + value);
    }
}
