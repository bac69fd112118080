package io.meshwork.libp2p.api.nat;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's current reachability (AutoNAT) and the external addresses it believes in. Registered while the
 * NAT bundle runs; consumers that need it (the DHT's auto mode, the relay client) reference it dynamically and
 * treat its absence as {@link Reachability#UNKNOWN}. The service is also registered with the property
 * {@value #REACHABILITY} set to the lower-case state name, updated on every change, so a component can select it
 * with a target filter. Thread-safe.
 */
@ProviderType
public interface ReachabilityService {

    /** Service property carrying {@code unknown}, {@code public} or {@code private}. */
    String REACHABILITY = "libp2p.reachability";

    Reachability reachability();

    /**
     * Our external addresses: observed by several peers (identify) and, when public, confirmed by a dial-back.
     * Without {@code /p2p/}. Empty when unknown.
     */
    List<Multiaddr> externalAddresses();
}
