/**
 * Strict codecs for the multiformats primitives libp2p is built on: unsigned varints, base58btc, base32,
 * multibase and multihash. Every decoder rejects malformed input with a
 * {@link io.meshwork.libp2p.api.codec.MalformedDataException} that says what was wrong and where; no decoder
 * allocates more than its input justifies. All types are stateless or immutable and therefore thread-safe.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.codec;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
