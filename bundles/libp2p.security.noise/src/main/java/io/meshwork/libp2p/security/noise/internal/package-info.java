/**
 * The libp2p {@code /noise} secure channel: {@code Noise_XX_25519_ChaChaPoly_SHA256} (Noise revision 34) with the
 * libp2p handshake payload, inlined muxer negotiation and the 2-byte length framing. Pure Java with no network
 * types: a transport adapter feeds frame bodies to {@link LibP2pNoiseHandshake} and, once it completes, to the
 * {@link NoiseSession} it returns.
 *
 * <p>Private to the bundle; nothing here is exported.
 */
@NullMarked
package io.meshwork.libp2p.security.noise.internal;

import org.jspecify.annotations.NullMarked;
