/**
 * The libp2p daemon front end: a control socket on loopback TCP that serves the p2pd control protocol to the
 * local host (identify, connect, list peers, disconnect, stream open, stream handlers, pubsub), so p2pd clients
 * such as the official libp2p interop suite can drive this node.
 */
@NullMarked
package io.meshwork.libp2p.daemon.internal;

import org.jspecify.annotations.NullMarked;
