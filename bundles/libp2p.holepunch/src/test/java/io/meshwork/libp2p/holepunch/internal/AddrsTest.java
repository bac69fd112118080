package io.meshwork.libp2p.holepunch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/** Which addresses connection reversal dials by default: public ones only. */
class AddrsTest {

    @Test
    void publicAddresses() {
        for (String a : new String[] {"/ip4/203.0.113.7/tcp/1", "/ip4/198.20.0.11/tcp/4101", "/ip4/8.8.8.8/tcp/1",
                "/ip4/100.63.255.255/tcp/1", "/ip4/100.128.0.1/tcp/1", "/ip6/2a00:1450::1/tcp/1"}) {
            assertEquals(true, Addrs.isPublic(Multiaddr.parse(a)), a);
        }
        for (String a : new String[] {"/ip4/127.0.0.1/tcp/1", "/ip4/0.0.0.0/tcp/1", "/ip4/10.200.0.11/tcp/1",
                "/ip4/172.16.3.4/tcp/1", "/ip4/192.168.1.2/tcp/1", "/ip4/169.254.1.1/tcp/1", "/ip4/100.64.0.1/tcp/1",
                "/ip4/100.127.255.255/tcp/1", "/ip4/224.0.0.1/tcp/1", "/ip6/::1/tcp/1", "/ip6/fe80::1/tcp/1",
                "/ip6/fd00::1/tcp/1", "/ip6/fc12::1/tcp/1", "/dns4/example.org/tcp/1"}) {
            assertEquals(false, Addrs.isPublic(Multiaddr.parse(a)), a);
        }
    }
}
