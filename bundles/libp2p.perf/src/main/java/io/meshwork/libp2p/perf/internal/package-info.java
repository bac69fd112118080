/**
 * The {@code /perf/1.0.0} benchmark protocol: the server ({@link io.meshwork.libp2p.perf.internal.PerfHandler}),
 * the client ({@link io.meshwork.libp2p.perf.internal.PerfClient}) and the {@code libp2p:perf} Gogo command.
 * Private: the bundle exports nothing. Off by default (the spec asks for that, as the protocol lets clients make
 * the server do a lot of work): no runtime includes this bundle; installing it enables it.
 */
@NullMarked
package io.meshwork.libp2p.perf.internal;

import org.jspecify.annotations.NullMarked;
