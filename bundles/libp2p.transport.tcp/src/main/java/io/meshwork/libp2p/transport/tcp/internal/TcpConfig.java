package io.meshwork.libp2p.transport.tcp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "libp2p TCP transport", description = "Event loops, socket options, write bounds"
        + " and timeouts of the TCP transport.")
public @interface TcpConfig {

    @AttributeDefinition(name = "Event loop threads", description = "I/O threads of this transport. 0 means the"
            + " number of cores, at least 2.")
    int event_loop_threads() default 0;

    @AttributeDefinition(name = "Prefer native transport", description = "Use Linux epoll when its native library"
            + " loads; otherwise (or when off) Java NIO.")
    boolean prefer_native() default true;

    @AttributeDefinition(name = "Connect timeout (ms)", description = "Used when a dial asks for no timeout"
            + " (zero or negative).")
    long connect_timeout_ms() default 10_000;

    @AttributeDefinition(name = "SO_REUSEPORT", description = "Listen with SO_REUSEPORT so that dials can leave"
            + " from the listen port (needed for hole punching). Linux epoll only; ignored with NIO.")
    boolean reuse_port() default true;

    @AttributeDefinition(name = "Dial from the listen port", description = "Bind outgoing sockets to the port of a"
            + " listener of the same IP family (needs SO_REUSEPORT); falls back to an ephemeral port if that fails.")
    boolean dial_from_listen_port() default true;

    @AttributeDefinition(name = "TCP_NODELAY", description = "Disable Nagle's algorithm; writes are already"
            + " batched per event-loop task.")
    boolean tcp_nodelay() default true;

    @AttributeDefinition(name = "Write buffer low water mark (bytes)", description = "A connection becomes"
            + " writable again below this many bytes queued in the socket's outbound buffer.")
    int write_buffer_low_water_mark() default 256 * 1024;

    @AttributeDefinition(name = "Write buffer high water mark (bytes)", description = "A connection becomes"
            + " unwritable above this many bytes queued in the socket's outbound buffer.")
    int write_buffer_high_water_mark() default 1024 * 1024;

    @AttributeDefinition(name = "Max pending write bytes per connection", description = "Bytes written but not"
            + " yet handed to the kernel; a write beyond this fails with WriteQueueFullException.")
    int max_pending_write_bytes() default 4 * 1024 * 1024;

    @AttributeDefinition(name = "Graceful close timeout (ms)", description = "How long close() waits for pending"
            + " writes to drain and for the remote to close its side before the socket is closed anyway.")
    long close_timeout_ms() default 5_000;

    @AttributeDefinition(name = "Shutdown timeout (ms)", description = "How long deactivation waits for the event"
            + " loops to terminate.")
    long shutdown_timeout_ms() default 5_000;
}
