package io.meshwork.libp2p.mdns.internal;

import java.time.Duration;

/**
 * What {@link MdnsDiscovery} is told by configuration.
 *
 * @param serviceName the DNS-SD service, {@code _p2p._udp.local}
 * @param queryInterval time between periodic queries (after the first two, at start and one second later)
 * @param ttl TTL of the records we advertise
 * @param maxPeers discovered peers remembered (for de-duplication); the soonest to expire is forgotten first
 * @param maxAddressesPerPeer addresses taken from one peer's response
 * @param maxPacket largest response we send, in bytes; addresses that do not fit are left out
 */
public record MdnsSettings(String serviceName, Duration queryInterval, Duration ttl, int maxPeers,
        int maxAddressesPerPeer, int maxPacket) {

    public static final String SERVICE = "_p2p._udp.local";

    public MdnsSettings {
        if (queryInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("query interval must be at least 1 s: " + queryInterval);
        }
        if (ttl.getSeconds() < 1 || ttl.getSeconds() > 0x7FFF_FFFFL) {
            throw new IllegalArgumentException("ttl must be between 1 s and 2^31-1 s: " + ttl);
        }
        if (maxPeers < 1 || maxAddressesPerPeer < 1) {
            throw new IllegalArgumentException("maxPeers and maxAddressesPerPeer must be positive");
        }
        if (maxPacket < 512 || maxPacket > 9000) {
            throw new IllegalArgumentException("maxPacket must be between 512 and 9000 bytes: " + maxPacket);
        }
        if (!serviceName.endsWith(".local") || serviceName.split("\\.").length < 3) {
            throw new IllegalArgumentException("service name must look like _p2p._udp.local: " + serviceName);
        }
        io.meshwork.libp2p.mdns.internal.dns.DnsQuestion.ptr(serviceName); // validates the labels
    }

    public static MdnsSettings defaults() {
        return new MdnsSettings(SERVICE, Duration.ofSeconds(60), Duration.ofSeconds(120), 256, 16, 8932);
    }
}
