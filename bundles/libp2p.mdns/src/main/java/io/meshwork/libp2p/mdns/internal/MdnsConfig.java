package io.meshwork.libp2p.mdns.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of mDNS discovery (PID {@value MdnsComponent#PID}). */
@ObjectClassDefinition(name = "libp2p mDNS discovery", description = "Finds peers on the local network through"
        + " multicast DNS (_p2p._udp.local) and advertises this node's LAN addresses.")
public @interface MdnsConfig {

    @AttributeDefinition(description = "Run mDNS. When false nothing is sent or received.")
    boolean enabled() default true;

    @AttributeDefinition(description = "DNS-SD service name queried and answered.")
    String dns_service_name() default MdnsSettings.SERVICE;

    @AttributeDefinition(description = "Time between queries, after the first two at start and one second later"
            + " (ms, at least 1000).")
    long query_interval_ms() default 60_000;

    @AttributeDefinition(description = "TTL of the records this node advertises (s).")
    long record_ttl_s() default 120;

    @AttributeDefinition(description = "Connect to discovered peers (through the host, with the limits below).")
    boolean dial_discovered() default true;

    @AttributeDefinition(description = "Dials to discovered peers in progress at once.")
    int max_concurrent_dials() default 4;

    @AttributeDefinition(description = "Wait before dialing a peer again after a failed dial (ms).")
    long dial_retry_ms() default 60_000;

    @AttributeDefinition(description = "Discovered peers remembered for de-duplication.")
    int max_peers() default 256;

    @AttributeDefinition(description = "Also use IPv6 (group ff02::fb).")
    boolean ipv6() default false;

    @AttributeDefinition(description = "Interfaces to use, by name (e.g. eth0); empty: every up, multicast-capable,"
            + " non-loopback interface with a LAN address.")
    String[] interfaces() default {};

    @AttributeDefinition(description = "Wait after start before joining the multicast group and sending the first"
            + " query (ms), so that a configuration turning mDNS off at start-up arrives before anything is sent.")
    long start_delay_ms() default 1000;

    @AttributeDefinition(description = "UDP port (5353 is mDNS; change only for tests).")
    int port() default 5353;
}
