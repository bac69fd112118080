package io.meshwork.libp2p.muxer.yamux.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "libp2p Yamux", description = "The /yamux/1.0.0 stream multiplexer.")
public @interface YamuxMuxerConfig {

    @AttributeDefinition(name = "Max window (bytes)", description = "Per-stream receive window grows from 256 KiB"
            + " toward this under load.")
    int max_window() default 16 * 1024 * 1024;

    @AttributeDefinition(name = "Max streams per connection")
    int max_streams() default 1024;

    @AttributeDefinition(name = "Max unacknowledged inbound streams", description = "More SYNs are refused (RST).")
    int max_unacked_inbound_streams() default 256;

    @AttributeDefinition(name = "Max queued write bytes per stream", description = "Beyond the flow-control window;"
            + " a write that would exceed it fails at once.")
    int max_queued_write_bytes() default 1024 * 1024;

    @AttributeDefinition(name = "Keepalive interval (s)", description = "0 disables keepalive pings.")
    long keepalive_seconds() default 30;

    @AttributeDefinition(name = "Ping timeout (s)")
    long ping_timeout_seconds() default 10;

    @AttributeDefinition(name = "Transport high water mark (bytes)", description = "Frames handed to the connection"
            + " but not yet sent, above which streams stop sending data until it drains below a quarter of it.")
    int transport_high_water() default 2 * 1024 * 1024;

    @AttributeDefinition(name = "Max buffered inbound bytes, all connections (bytes)", description = "Data received"
            + " within the streams' windows but not yet read, summed over every connection. Above it, connections"
            + " that hold such data stop reading their socket (the sender is slowed by TCP) until the sum falls to"
            + " three quarters of it. 0 = unlimited.")
    long max_buffered_total() default 0;

    @AttributeDefinition(name = "Budget re-check interval (ms)", description = "A connection paused for"
            + " max.buffered.total checks this often whether it must read again: when its own writes wait for the"
            + " peer's window (the update waits behind the unread data), when it holds nothing, or after half the"
            + " ping timeout.")
    long max_buffered_pause_ms() default 100;
}
