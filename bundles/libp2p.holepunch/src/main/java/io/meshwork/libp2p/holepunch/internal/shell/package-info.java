/** Gogo commands: {@code libp2p:reachability}. */
@NullMarked
package io.meshwork.libp2p.holepunch.internal.shell;

import org.jspecify.annotations.NullMarked;
