/**
 * The DHT itself as plain single-threaded Java: keys and distances, the routing table, the record and provider
 * stores, record validators, the lookup state machine and the engine that serves requests and runs lookups. The
 * engine talks to the world only through {@link io.meshwork.libp2p.kad.internal.engine.Network} and
 * {@link io.meshwork.libp2p.kad.internal.engine.Scheduler}, so tests run many nodes in virtual time.
 */
@NullMarked
package io.meshwork.libp2p.kad.internal.engine;

import org.jspecify.annotations.NullMarked;
