/**
 * What transport, security and muxer bundles implement, and the host assembles. Each implementation registers
 * its service with the {@value io.meshwork.libp2p.api.spi.Transport#PROTOCOL} property (its protocol id); the host
 * offers them in service-ranking order and picks up new ones, or drops stopped ones, at runtime.
 */
@Export
@Version("1.1.0")
@NullMarked
package io.meshwork.libp2p.api.spi;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
