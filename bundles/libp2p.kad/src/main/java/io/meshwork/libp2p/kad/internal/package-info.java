/**
 * The DHT as OSGi components: {@link io.meshwork.libp2p.kad.internal.KadComponent} (the engine on the host, its
 * stream handler in server mode, bootstrap, refresh, auto mode), the host binding of the engine's network and the
 * Gogo {@code dht:*} commands.
 */
@NullMarked
package io.meshwork.libp2p.kad.internal;

import org.jspecify.annotations.NullMarked;
