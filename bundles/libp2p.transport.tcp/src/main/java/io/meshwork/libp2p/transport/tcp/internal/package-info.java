/**
 * The TCP transport on Netty: native epoll when available (with SO_REUSEPORT so that dials can leave from the
 * listen port), Java NIO otherwise. {@link io.meshwork.libp2p.transport.tcp.internal.NettyRawConnection} adapts a
 * Netty channel to the {@link io.meshwork.libp2p.api.io.Duplex} contract.
 *
 * <p>Private to the bundle; nothing here is exported.
 */
@NullMarked
package io.meshwork.libp2p.transport.tcp.internal;

import org.jspecify.annotations.NullMarked;
