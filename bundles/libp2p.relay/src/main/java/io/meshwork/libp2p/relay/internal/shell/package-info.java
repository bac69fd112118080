/** Gogo commands of the relay bundle ({@code relay:*}). */
@NullMarked
package io.meshwork.libp2p.relay.internal.shell;

import org.jspecify.annotations.NullMarked;
