/**
 * libp2p identity keys as the peer-ids specification defines them: the {@code PublicKey} / {@code PrivateKey}
 * protobuf envelopes with their deterministic encoding, and per key type the {@code Data} encoding and the
 * signature scheme (Ed25519, secp256k1, ECDSA, RSA). Decoding is strict and rejects anything that would not
 * re-encode to the same bytes with a {@link io.meshwork.libp2p.api.codec.MalformedDataException}.
 *
 * <p>Cryptography uses the BouncyCastle lightweight API, the JDK's SHA-512 and, for Ed25519's point arithmetic,
 * {@link io.meshwork.libp2p.api.crypto.Field25519}; no JCA provider is registered. All key objects
 * are immutable and thread-safe.
 */
@Export
@Version("1.1.0")
@NullMarked
package io.meshwork.libp2p.api.crypto;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
