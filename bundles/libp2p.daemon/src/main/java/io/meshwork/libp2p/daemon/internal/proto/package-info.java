/**
 * The libp2p daemon control protocol (schema: {@code src/main/proto/p2pd.proto}, the {@code pb} package of the
 * go/js daemons): requests, responses, stream infos and pubsub messages, with a hand-written bounded codec. Plain
 * Java.
 */
@NullMarked
package io.meshwork.libp2p.daemon.internal.proto;

import org.jspecify.annotations.NullMarked;
