/**
 * mDNS peer discovery: the pure protocol state machine ({@link io.meshwork.libp2p.mdns.internal.MdnsDiscovery}), the
 * LAN address rules, the bounded dialer, and the thin JDK NIO socket adapter and DS component around them.
 */
@NullMarked
package io.meshwork.libp2p.mdns.internal;

import org.jspecify.annotations.NullMarked;
