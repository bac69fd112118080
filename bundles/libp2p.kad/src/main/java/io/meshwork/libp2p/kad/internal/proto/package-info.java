/**
 * The Kademlia DHT wire model ({@code Message}, {@code Record}, {@code Peer} of the libp2p kad-dht spec) with a
 * hand-written bounded codec. Plain Java.
 */
@NullMarked
package io.meshwork.libp2p.kad.internal.proto;

import org.jspecify.annotations.NullMarked;
