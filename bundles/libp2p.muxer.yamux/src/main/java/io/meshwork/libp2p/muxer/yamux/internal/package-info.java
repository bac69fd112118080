/**
 * Pure-Java core of the libp2p Yamux stream multiplexer ({@code /yamux/1.0.0}): the frame codec, the session state
 * machine with per-stream flow control, and the stream API with end-to-end backpressure. No Netty types: a transport
 * adapter feeds {@link io.meshwork.libp2p.muxer.yamux.internal.YamuxSession#onInbound(java.nio.ByteBuffer)} and
 * implements {@link io.meshwork.libp2p.muxer.yamux.internal.FrameSink}. Nothing here is exported.
 */
@NullMarked
package io.meshwork.libp2p.muxer.yamux.internal;

import org.jspecify.annotations.NullMarked;
