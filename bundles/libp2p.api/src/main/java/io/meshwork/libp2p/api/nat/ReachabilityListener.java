package io.meshwork.libp2p.api.nat;

import org.osgi.annotation.versioning.ConsumerType;

/** Whiteboard: register as a service to hear when the node's reachability changes. Do not block. */
@ConsumerType
public interface ReachabilityListener {

    void reachabilityChanged(Reachability previous, Reachability current);
}
