/**
 * Multiaddr: self-describing, composable network addresses in their binary ({@code (uvarint(code) value)+}) and
 * text ({@code (/name/value)+}) forms, restricted to the protocols libp2p transports use. Values are validated
 * strictly in both directions, IP literals are parsed without ever touching DNS, and malformed input fails with
 * a {@link io.meshwork.libp2p.api.codec.MalformedDataException}. All types are immutable and thread-safe.
 */
@Export
@Version("1.0.0")
@NullMarked
package io.meshwork.libp2p.api.multiaddr;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
