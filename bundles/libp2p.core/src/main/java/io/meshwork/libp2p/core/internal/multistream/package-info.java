/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}): the message codec, a byte-driven negotiation state machine
 * for both roles, and an adapter that runs it on a {@link io.meshwork.libp2p.api.io.Duplex}. Pure Java; no
 * transport types.
 */
@NullMarked
package io.meshwork.libp2p.core.internal.multistream;

import org.jspecify.annotations.NullMarked;
