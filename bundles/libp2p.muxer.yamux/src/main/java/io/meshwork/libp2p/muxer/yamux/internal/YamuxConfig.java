package io.meshwork.libp2p.muxer.yamux.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Yamux session limits and timers. Immutable; {@link #defaults()} matches go-yamux/go-libp2p where they agree.
 *
 * @param initialWindow receive window granted per stream at open: at least the spec's 256 KiB, which both sides
 *     assume; a larger value is granted with the SYN/ACK frame's window update. Default 256 KiB.
 * @param maxWindow upper bound of the auto-tuned receive window per stream, and the largest inbound DATA frame the
 *     decoder accepts at all (a frame must also fit the stream's current window). Default 16 MiB (go-libp2p).
 * @param maxFramePayload largest DATA payload this side writes. Default 65,507 = 65,535 (largest Noise message)
 *     &minus; 16 (AEAD tag) &minus; 12 (Yamux header): one full frame fits one Noise transport message, and, like
 *     go-yamux's 64 KiB, it is small enough that one busy stream does not hold the connection for long.
 * @param maxUnackedInboundStreams inbound streams not yet acknowledged by this side beyond which new SYNs are
 *     refused with RST. Default 256 (libp2p spec ACK backlog).
 * @param maxOutboundBacklog outbound streams not yet acknowledged by the peer; {@link YamuxSession#openStream()}
 *     waits (its future stays pending) while this many are outstanding. Default 256 (go-yamux AcceptBacklog).
 * @param maxStreams streams per session, open or waiting to open, in both directions together; inbound SYNs beyond
 *     it are refused with RST, outbound opens fail. Default 1024.
 * @param maxQueuedWriteBytes bytes per stream that may wait for the peer's window; a write that would exceed it
 *     fails at once with {@link YamuxWriteQueueFullException}. Default 1 MiB.
 * @param keepaliveInterval interval of keepalive/RTT pings; {@link Duration#ZERO} disables them (an RTT ping is still
 *     sent at start). Default 30 s (go-yamux).
 * @param pingTimeout a ping fails the session if neither its answer nor any other byte arrives within this time.
 *     Default 10 s (go-yamux ConnectionWriteTimeout, which bounds its pings).
 * @param streamCloseTimeout after {@link YamuxStream#close()}, how long to wait for the peer's FIN before resetting
 *     the stream; {@link Duration#ZERO} waits forever. Default 5 min (HashiCorp yamux StreamCloseTimeout).
 */
public record YamuxConfig(
        int initialWindow,
        int maxWindow,
        int maxFramePayload,
        int maxUnackedInboundStreams,
        int maxOutboundBacklog,
        int maxStreams,
        int maxQueuedWriteBytes,
        Duration keepaliveInterval,
        Duration pingTimeout,
        Duration streamCloseTimeout) {

    /** The window both sides assume for a new stream (Yamux spec). */
    public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

    private static final YamuxConfig DEFAULTS = new YamuxConfig(
            SPEC_INITIAL_WINDOW,
            16 * 1024 * 1024,
            65_535 - 16 - YamuxHeader.SIZE,
            256,
            256,
            1024,
            1024 * 1024,
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofMinutes(5));

    public YamuxConfig {
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(streamCloseTimeout, "streamCloseTimeout");
        if (initialWindow < SPEC_INITIAL_WINDOW) {
            throw new IllegalArgumentException("initialWindow " + initialWindow
                    + " is below the 262144 bytes both sides assume for a new stream");
        }
        if (maxWindow < initialWindow) {
            throw new IllegalArgumentException("maxWindow " + maxWindow + " < initialWindow " + initialWindow);
        }
        if (maxFramePayload < 1 || maxFramePayload > maxWindow) {
            throw new IllegalArgumentException("maxFramePayload " + maxFramePayload + " not in [1, maxWindow]");
        }
        requirePositive(maxUnackedInboundStreams, "maxUnackedInboundStreams");
        requirePositive(maxOutboundBacklog, "maxOutboundBacklog");
        requirePositive(maxStreams, "maxStreams");
        if (maxQueuedWriteBytes < 0) {
            throw new IllegalArgumentException("maxQueuedWriteBytes " + maxQueuedWriteBytes + " < 0");
        }
        if (keepaliveInterval.isNegative() || streamCloseTimeout.isNegative()) {
            throw new IllegalArgumentException("negative keepaliveInterval or streamCloseTimeout");
        }
        if (pingTimeout.isNegative() || pingTimeout.isZero()) {
            throw new IllegalArgumentException("pingTimeout must be positive: " + pingTimeout);
        }
    }

    public static YamuxConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Builds a config from the defaults (or another config); {@link #build()} validates. */
    public static final class Builder {
        private int initialWindow;
        private int maxWindow;
        private int maxFramePayload;
        private int maxUnackedInboundStreams;
        private int maxOutboundBacklog;
        private int maxStreams;
        private int maxQueuedWriteBytes;
        private Duration keepaliveInterval;
        private Duration pingTimeout;
        private Duration streamCloseTimeout;

        private Builder(YamuxConfig c) {
            initialWindow = c.initialWindow;
            maxWindow = c.maxWindow;
            maxFramePayload = c.maxFramePayload;
            maxUnackedInboundStreams = c.maxUnackedInboundStreams;
            maxOutboundBacklog = c.maxOutboundBacklog;
            maxStreams = c.maxStreams;
            maxQueuedWriteBytes = c.maxQueuedWriteBytes;
            keepaliveInterval = c.keepaliveInterval;
            pingTimeout = c.pingTimeout;
            streamCloseTimeout = c.streamCloseTimeout;
        }

        public Builder initialWindow(int value) {
            initialWindow = value;
            return this;
        }

        public Builder maxWindow(int value) {
            maxWindow = value;
            return this;
        }

        public Builder maxFramePayload(int value) {
            maxFramePayload = value;
            return this;
        }

        public Builder maxUnackedInboundStreams(int value) {
            maxUnackedInboundStreams = value;
            return this;
        }

        public Builder maxOutboundBacklog(int value) {
            maxOutboundBacklog = value;
            return this;
        }

        public Builder maxStreams(int value) {
            maxStreams = value;
            return this;
        }

        public Builder maxQueuedWriteBytes(int value) {
            maxQueuedWriteBytes = value;
            return this;
        }

        public Builder keepaliveInterval(Duration value) {
            keepaliveInterval = value;
            return this;
        }

        public Builder pingTimeout(Duration value) {
            pingTimeout = value;
            return this;
        }

        public Builder streamCloseTimeout(Duration value) {
            streamCloseTimeout = value;
            return this;
        }

        public YamuxConfig build() {
            return new YamuxConfig(initialWindow, maxWindow, maxFramePayload, maxUnackedInboundStreams,
                    maxOutboundBacklog, maxStreams, maxQueuedWriteBytes, keepaliveInterval, pingTimeout,
                    streamCloseTimeout);
        }
    }
}
