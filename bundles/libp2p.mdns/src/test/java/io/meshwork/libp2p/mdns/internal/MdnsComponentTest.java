package io.meshwork.libp2p.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.discovery.DiscoveryListener;
import io.meshwork.libp2p.api.host.Host;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/** The component's whiteboard and switches, without sockets (mDNS disabled or switched off). */
class MdnsComponentTest {

    static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, args) -> m.getName().equals("getProperty")
                        ? properties.get((String) args[0]) : null);
    }

    static Host noHost() {
        return (Host) Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[] {Host.class},
                (p, m, args) -> {
                    throw new AssertionError("the host is not used while mDNS is off: " + m.getName());
                });
    }

    static MdnsConfig config(boolean enabled) {
        return (MdnsConfig) Proxy.newProxyInstance(MdnsConfig.class.getClassLoader(),
                new Class<?>[] {MdnsConfig.class}, (p, m, args) -> switch (m.getName()) {
                    case "enabled" -> enabled;
                    case "annotationType" -> MdnsConfig.class;
                    default -> m.getDefaultValue();
                });
    }

    static DiscoveredPeer peer(String source) {
        return new DiscoveredPeer(MdnsDiscoveryTest.newPeer(), List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1")),
                source, Duration.ofMinutes(2));
    }

    @Test
    void publishesToListenersFilteredBySourceAndSurvivesAFailingOne() {
        MdnsComponent c = new MdnsComponent(context(Map.of()), noHost(), config(false));
        c.activate();
        assertTrue(c.node().isEmpty());
        List<String> heard = new ArrayList<>();
        DiscoveryListener failing = p -> {
            throw new IllegalStateException("listener bug");
        };
        DiscoveryListener all = p -> heard.add("all:" + p.source());
        DiscoveryListener mdnsOnly = p -> heard.add("mdns-only:" + p.source());
        DiscoveryListener dhtOnly = p -> heard.add("dht-only:" + p.source());
        c.addListener(failing, Map.of());
        c.addListener(all, Map.of());
        c.addListener(mdnsOnly, Map.of(DiscoveryListener.SOURCES, "mdns"));
        c.addListener(dhtOnly, Map.of(DiscoveryListener.SOURCES, new String[] {"dht", "relay"}));
        c.publish(peer("mdns"));
        assertEquals(List.of("all:mdns", "mdns-only:mdns"), heard);
        c.removeListener(all);
        heard.clear();
        c.publish(peer("mdns"));
        assertEquals(List.of("mdns-only:mdns"), heard);
        c.deactivate();
    }

    @Test
    void theFrameworkPropertySwitchesItOffWhateverTheConfiguration() {
        MdnsComponent c = new MdnsComponent(context(Map.of(MdnsComponent.ENABLED_PROPERTY, "false")), noHost(),
                config(true));
        c.activate();
        assertTrue(c.switchedOff());
        assertTrue(c.node().isEmpty());
        c.deactivate();
        assertFalse(new MdnsComponent(context(Map.of()), noHost(), config(true)).switchedOff());
    }

    @Test
    void configurationDefaultsAreTheDocumentedOnes() {
        MdnsConfig d = config(true);
        assertEquals("_p2p._udp.local", d.dns_service_name());
        assertEquals(60_000L, d.query_interval_ms());
        assertEquals(120L, d.record_ttl_s());
        assertTrue(d.dial_discovered());
        assertEquals(4, d.max_concurrent_dials());
        assertEquals(5353, d.port());
        assertFalse(d.ipv6());
        assertEquals(1000L, d.start_delay_ms());
        Annotation a = d;
        assertEquals(MdnsConfig.class, a.annotationType());
    }
}
