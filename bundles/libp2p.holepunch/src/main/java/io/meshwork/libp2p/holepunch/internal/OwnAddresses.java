package io.meshwork.libp2p.holepunch.internal;

import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Our addresses as others see them: the observed addresses identify collected (most confirmed first), then our own
 * listen addresses except loopback and wildcard ones. Only plain TCP addresses; at most {@value #MAX}.
 */
final class OwnAddresses {

    static final int MAX = 16;

    private final Host host;

    OwnAddresses(Host host) {
        this.host = host;
    }

    /** What we announce in DCUtR CONNECT and AutoNAT DIAL. */
    List<Multiaddr> candidates() {
        Set<Multiaddr> out = new LinkedHashSet<>();
        for (Multiaddr a : host.peerStore().observedAddresses()) {
            if (Addrs.isDirectTcp(a)) {
                out.add(a.withoutPeerId());
            }
        }
        for (Multiaddr a : host.listenAddresses()) {
            if (Addrs.isDirectTcp(a) && !Addrs.isLoopbackOrUnspecified(a)) {
                out.add(a.withoutPeerId());
            }
        }
        return out.stream().limit(MAX).toList();
    }

    /** Observed addresses that at least {@code confirmations} distinct peers reported. */
    List<Multiaddr> confirmed(int confirmations) {
        return host.peerStore().observedAddresses().stream().filter(Addrs::isDirectTcp)
                .filter(a -> host.peerStore().observedAddressConfirmations(a) >= confirmations).limit(MAX).toList();
    }
}
