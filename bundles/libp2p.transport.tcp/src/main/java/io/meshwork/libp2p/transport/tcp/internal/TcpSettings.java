package io.meshwork.libp2p.transport.tcp.internal;

/**
 * The validated configuration of one {@link TcpTransport}. Immutable.
 *
 * @param eventLoopThreads I/O threads, at least 1
 * @param preferNative use epoll when available
 * @param connectTimeoutMillis used when a dial asks for no timeout
 * @param reusePort listen (and dial from the listen port) with SO_REUSEPORT; effective with epoll only
 * @param dialFromListenPort bind outgoing sockets to a listener's port
 * @param tcpNoDelay TCP_NODELAY
 * @param writeLowWaterMark Netty's outbound-buffer low water mark
 * @param writeHighWaterMark Netty's outbound-buffer high water mark
 * @param maxPendingWriteBytes bound of the bytes written to a connection and not yet handed to the kernel
 * @param closeTimeoutMillis how long a graceful close may take before the socket is closed anyway
 * @param shutdownTimeoutMillis how long deactivation waits for the event loops to end
 */
record TcpSettings(
        int eventLoopThreads,
        boolean preferNative,
        long connectTimeoutMillis,
        boolean reusePort,
        boolean dialFromListenPort,
        boolean tcpNoDelay,
        int writeLowWaterMark,
        int writeHighWaterMark,
        int maxPendingWriteBytes,
        long closeTimeoutMillis,
        long shutdownTimeoutMillis) {

    TcpSettings {
        requirePositive("event_loop_threads", eventLoopThreads);
        requirePositive("connect_timeout_ms", connectTimeoutMillis);
        requirePositive("write_buffer_low_water_mark", writeLowWaterMark);
        requirePositive("write_buffer_high_water_mark", writeHighWaterMark);
        requirePositive("max_pending_write_bytes", maxPendingWriteBytes);
        requirePositive("close_timeout_ms", closeTimeoutMillis);
        requirePositive("shutdown_timeout_ms", shutdownTimeoutMillis);
        if (writeLowWaterMark > writeHighWaterMark) {
            throw new IllegalArgumentException("write_buffer_low_water_mark (" + writeLowWaterMark
                    + ") must not exceed write_buffer_high_water_mark (" + writeHighWaterMark + ")");
        }
        if (connectTimeoutMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connect_timeout_ms must fit an int, not " + connectTimeoutMillis);
        }
    }

    static TcpSettings from(TcpConfig config) {
        int threads = config.event_loop_threads() > 0
                ? config.event_loop_threads()
                : Math.max(2, Runtime.getRuntime().availableProcessors());
        return new TcpSettings(
                threads,
                config.prefer_native(),
                config.connect_timeout_ms(),
                config.reuse_port(),
                config.dial_from_listen_port(),
                config.tcp_nodelay(),
                config.write_buffer_low_water_mark(),
                config.write_buffer_high_water_mark(),
                config.max_pending_write_bytes(),
                config.close_timeout_ms(),
                config.shutdown_timeout_ms());
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
