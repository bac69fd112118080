/**
 * Signed envelopes (libp2p RFC 0002) and the peer records they carry (RFC 0003, as implemented by go, rust and
 * js libp2p): self-certified address lists a peer signs with its identity key and others pass on without being
 * able to alter them. Encoding is deterministic; decoding is strict and bounded and fails with a
 * {@link io.meshwork.libp2p.api.codec.MalformedDataException}. All types are immutable and thread-safe.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.record;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
