/**
 * Asynchronous byte pipes with end-to-end backpressure: the one I/O contract between transports, security
 * channels, muxers, the host and protocol handlers. No Netty types: a transport adapter is the only place that
 * knows how bytes reach a socket.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.io;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
