/**
 * The wire model of DCUtR ({@code /libp2p/dcutr}) and AutoNAT v1 ({@code /libp2p/autonat/1.0.0}), schema in
 * {@code src/main/proto/holepunch.proto}, with hand-written bounded codecs. Plain Java.
 */
@NullMarked
package io.meshwork.libp2p.holepunch.internal.proto;

import org.jspecify.annotations.NullMarked;
