package io.meshwork.libp2p.kad.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.nat.Reachability;
import org.junit.jupiter.api.Test;

class ModeTest {

    @Test
    void autoServesOnlyWhilePublic() {
        assertTrue(KadComponent.serving("auto", Reachability.PUBLIC));
        assertFalse(KadComponent.serving("auto", Reachability.PRIVATE));
        assertFalse(KadComponent.serving("auto", Reachability.UNKNOWN));
        assertFalse(KadComponent.serving("auto", null), "no ReachabilityService: client");
        assertTrue(KadComponent.serving("server", null));
        assertTrue(KadComponent.serving("server", Reachability.PRIVATE));
        assertFalse(KadComponent.serving("client", Reachability.PUBLIC));
    }
}
