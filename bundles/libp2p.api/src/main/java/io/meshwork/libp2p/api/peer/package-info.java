/**
 * libp2p Peer IDs: the multihash of a peer's marshalled public key, with its legacy base58btc text form and its
 * CIDv1 ({@code libp2p-key}) form. {@link io.meshwork.libp2p.api.peer.PeerId} validates itself on construction
 * and is immutable and thread-safe.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.peer;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
