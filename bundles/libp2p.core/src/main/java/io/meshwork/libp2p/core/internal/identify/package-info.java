/**
 * The identify message codec ({@code /ipfs/id/1.0.0} and {@code /ipfs/id/push/1.0.0}): hand-coded, bounded
 * protobuf, with merging of multi-part responses. Pure; the identify service uses it.
 */
@NullMarked
package io.meshwork.libp2p.core.internal.identify;

import org.jspecify.annotations.NullMarked;
