package io.meshwork.libp2p.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.discovery.DiscoveredPeer;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.mdns.internal.dns.DnsCodec;
import io.meshwork.libp2p.mdns.internal.dns.DnsMessage;
import io.meshwork.libp2p.mdns.internal.dns.DnsQuestion;
import io.meshwork.libp2p.mdns.internal.dns.DnsRecord;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The protocol state machine in virtual time: no sockets, no sleeps. */
class MdnsDiscoveryTest {

    static final String SERVICE = "_p2p._udp.local";
    final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    final List<byte[]> sent = new ArrayList<>();
    final List<DiscoveredPeer> found = new ArrayList<>();
    List<Multiaddr> ownAddresses = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"),
            Multiaddr.parse("/ip4/192.168.1.20/tcp/4001"), Multiaddr.parse("/ip4/203.0.113.5/tcp/4001"),
            Multiaddr.parse("/ip4/10.1.2.3/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
                    + "/p2p-circuit"));
    final PeerId self = newPeer();

    static PeerId newPeer() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
    }

    MdnsDiscovery node(MdnsSettings settings) {
        return new MdnsDiscovery(settings, self, () -> ownAddresses, "ownpeername0123456789abcdefghijk",
                new MdnsDiscovery.Io() {
                    @Override
                    public void send(byte[] packet) {
                        sent.add(packet);
                    }

                    @Override
                    public void discovered(DiscoveredPeer peer) {
                        found.add(peer);
                    }
                });
    }

    MdnsDiscovery node() {
        return node(MdnsSettings.defaults());
    }

    static byte[] query() {
        return DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr(SERVICE))));
    }

    /** A response as js-libp2p sends it: PTR and TXT records all in the answers, TTL 120. */
    static byte[] jsResponse(String name, long ttl, PeerId peer, String... addrs) {
        List<DnsRecord> answers = new ArrayList<>();
        answers.add(DnsRecord.ptr(SERVICE, ttl, name + "." + SERVICE));
        for (String a : addrs) {
            answers.add(new DnsRecord(name + "." + SERVICE, DnsRecord.TXT, false, ttl,
                    new DnsRecord.Txt(List.of(("dnsaddr=" + a + "/p2p/" + peer).getBytes()))));
        }
        return DnsCodec.encode(DnsMessage.response(answers, List.of()));
    }

    void receive(MdnsDiscovery d, byte[] packet, Instant at) {
        d.onPacket(packet, packet.length, at);
    }

    @Test
    void queriesAtStartAfterOneSecondThenEveryInterval() {
        MdnsSettings s = new MdnsSettings(SERVICE, Duration.ofSeconds(30), Duration.ofSeconds(120), 10, 4, 8932);
        MdnsDiscovery d = node(s);
        d.start(t0);
        assertEquals(1, sent.size());
        DnsMessage q = DnsCodec.decode(sent.get(0));
        assertFalse(q.response());
        assertEquals(List.of(DnsQuestion.ptr(SERVICE)), q.questions());
        assertEquals(t0.plusSeconds(1), d.poll(t0));
        assertEquals(1, sent.size());
        assertEquals(t0.plusSeconds(31), d.poll(t0.plusSeconds(1)));
        assertEquals(2, sent.size());
        assertEquals(t0.plusSeconds(61), d.poll(t0.plusSeconds(31)));
        assertEquals(3, sent.size());
        d.poll(t0.plusSeconds(40));
        assertEquals(3, sent.size());
    }

    @Test
    void answersQueriesWithLanAddressesOnly() {
        MdnsDiscovery d = node();
        d.start(t0);
        sent.clear();
        receive(d, query(), t0.plusMillis(10));
        assertEquals(1, sent.size());
        DnsMessage r = DnsCodec.decode(sent.get(0));
        assertTrue(r.response());
        String instance = d.peerName() + "." + SERVICE;
        assertEquals(List.of(DnsRecord.ptr(SERVICE, 120, instance)), r.answers());
        DnsRecord txt = r.additionals().stream().filter(x -> x.type() == DnsRecord.TXT).findFirst().orElseThrow();
        assertEquals(instance, txt.name());
        assertEquals(List.of("dnsaddr=/ip4/192.168.1.20/tcp/4001/p2p/" + self), ((DnsRecord.Txt) txt.data()).texts());
        assertEquals(List.of("/ip4/192.168.1.20/tcp/4001/p2p/" + self), d.advertised());
        DnsRecord srv = r.additionals().stream().filter(x -> x.type() == DnsRecord.SRV).findFirst().orElseThrow();
        assertEquals(4001, ((DnsRecord.Srv) srv.data()).port());
        assertEquals(1, r.additionals().stream().filter(x -> x.type() == DnsRecord.A).count());
    }

    @Test
    void peerNameIsRandomLowerCaseAlphanumericOf32To63Characters() {
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            String name = MdnsDiscovery.randomPeerName(random);
            assertTrue(name.matches("[a-z0-9]{32,63}"), name);
        }
        assertFalse(MdnsDiscovery.randomPeerName().equals(MdnsDiscovery.randomPeerName()));
    }

    @Test
    void doesNotAnswerWithoutLanAddressesOrForOtherServices() {
        ownAddresses = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"), Multiaddr.parse("/ip6/::1/tcp/1"));
        MdnsDiscovery d = node();
        d.start(t0);
        sent.clear();
        receive(d, query(), t0);
        assertTrue(sent.isEmpty());
        ownAddresses = List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"));
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr("_other._udp.local")))), t0);
        assertTrue(sent.isEmpty());
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(new DnsQuestion(SERVICE, DnsRecord.ANY, true)))), t0);
        assertEquals(1, sent.size());
    }

    @Test
    void respondsAtMostOnceASecond() {
        ownAddresses = List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"));
        MdnsDiscovery d = node();
        d.start(t0);
        sent.clear();
        receive(d, query(), t0);
        receive(d, query(), t0.plusMillis(100));
        receive(d, query(), t0.plusMillis(200));
        assertEquals(1, sent.size());
        assertEquals(t0.plusSeconds(1), d.poll(t0.plusMillis(300)));
        d.poll(t0.plusSeconds(1)); // the delayed response, and the second query
        assertEquals(3, sent.size());
        assertTrue(DnsCodec.decode(sent.get(1)).response() || DnsCodec.decode(sent.get(2)).response());
        d.poll(t0.plusSeconds(2));
        assertEquals(3, sent.size());
    }

    @Test
    void knownAnswerSuppression() {
        ownAddresses = List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"));
        MdnsDiscovery d = node();
        d.start(t0);
        sent.clear();
        String instance = d.peerName() + "." + SERVICE;
        DnsMessage q = new DnsMessage(0, false, 0, List.of(DnsQuestion.ptr(SERVICE)),
                List.of(DnsRecord.ptr(SERVICE, 100, instance)), List.of(), List.of());
        receive(d, DnsCodec.encode(q), t0);
        assertTrue(sent.isEmpty());
        DnsMessage stale = new DnsMessage(0, false, 0, List.of(DnsQuestion.ptr(SERVICE)),
                List.of(DnsRecord.ptr(SERVICE, 10, instance)), List.of(), List.of());
        receive(d, DnsCodec.encode(stale), t0);
        assertEquals(1, sent.size());
    }

    @Test
    void discoversPeersFromJsStyleAndSpecStyleResponses() throws Exception {
        MdnsDiscovery d = node();
        d.start(t0);
        PeerId js = newPeer();
        receive(d, jsResponse("jsname", 120, js, "/ip4/127.0.0.1/tcp/5", "/ip4/10.0.0.7/tcp/5",
                "/ip4/8.8.8.8/tcp/5"), t0);
        assertEquals(1, found.size());
        assertEquals(new DiscoveredPeer(js, List.of(Multiaddr.parse("/ip4/10.0.0.7/tcp/5")), "mdns",
                Duration.ofSeconds(120)), found.get(0));
        // spec style: TXT in the additional records, several strings in one record
        PeerId other = newPeer();
        String inst = "specname." + SERVICE;
        byte[] spec = DnsCodec.encode(DnsMessage.response(List.of(DnsRecord.ptr(SERVICE, 300, inst)),
                List.of(DnsRecord.txt(inst, 200, List.of("dnsaddr=/ip4/192.168.0.9/tcp/7/p2p/" + other,
                        "dnsaddr=/ip6/fd00::9/tcp/7/p2p/" + other, "ignored=1", "dnsaddr=not-a-multiaddr")),
                        DnsRecord.address("specname.local", 300, InetAddress.getByName("192.168.0.9")))));
        receive(d, spec, t0);
        assertEquals(2, found.size());
        assertEquals(List.of(Multiaddr.parse("/ip4/192.168.0.9/tcp/7"), Multiaddr.parse("/ip6/fd00::9/tcp/7")),
                found.get(1).addresses());
        assertEquals(Duration.ofSeconds(200), found.get(1).ttl());
        assertEquals(2, d.peers().size());
    }

    @Test
    void ignoresItselfLoopbackOnlyPeersAndMalformedPackets() {
        MdnsDiscovery d = node();
        d.start(t0);
        // its own response (the instance name is ours)
        receive(d, jsResponse(d.peerName(), 120, newPeer(), "/ip4/10.0.0.7/tcp/5"), t0);
        // a response carrying our own peer id under another name
        receive(d, jsResponse("copycat", 120, self, "/ip4/10.0.0.7/tcp/5"), t0);
        // loopback and public addresses only
        receive(d, jsResponse("lo", 120, newPeer(), "/ip4/127.0.0.1/tcp/5", "/ip6/::1/tcp/5", "/ip4/1.1.1.1/tcp/5"),
                t0);
        assertTrue(found.isEmpty());
        byte[] junk = {1, 2, 3};
        receive(d, junk, t0);
        assertEquals(1L, d.stats().get("packets_malformed"));
    }

    @Test
    void reportsAPeerOnceUntilItsAddressesChangeOrItExpires() {
        MdnsDiscovery d = node();
        d.start(t0);
        PeerId p = newPeer();
        receive(d, jsResponse("p", 120, p, "/ip4/10.0.0.7/tcp/5"), t0);
        receive(d, jsResponse("p", 120, p, "/ip4/10.0.0.7/tcp/5"), t0.plusSeconds(5));
        d.poll(t0.plusSeconds(60));
        receive(d, jsResponse("p", 120, p, "/ip4/10.0.0.7/tcp/5"), t0.plusSeconds(60));
        assertEquals(1, found.size());
        receive(d, jsResponse("p", 120, p, "/ip4/10.0.0.7/tcp/5", "/ip4/10.0.0.8/tcp/5"), t0.plusSeconds(61));
        assertEquals(2, found.size());
        // last seen at 61 s with TTL 120: gone at 181 s, reported again when seen after that
        d.poll(t0.plusSeconds(181));
        assertTrue(d.peers().isEmpty());
        receive(d, jsResponse("p", 120, p, "/ip4/10.0.0.7/tcp/5", "/ip4/10.0.0.8/tcp/5"), t0.plusSeconds(200));
        assertEquals(3, found.size());
        // goodbye (TTL 0) forgets it without a report
        receive(d, jsResponse("p", 0, p, "/ip4/10.0.0.7/tcp/5"), t0.plusSeconds(201));
        assertTrue(d.peers().isEmpty());
        assertEquals(3, found.size());
    }

    @Test
    void thePeerTableIsBounded() {
        MdnsDiscovery d = node(new MdnsSettings(SERVICE, Duration.ofSeconds(60), Duration.ofSeconds(120), 3, 2,
                8932));
        d.start(t0);
        for (int i = 0; i < 50; i++) {
            receive(d, jsResponse("p" + i, 100 + i, newPeer(), "/ip4/10.0.0.1/tcp/1", "/ip4/10.0.0.2/tcp/1",
                    "/ip4/10.0.0.3/tcp/1"), t0);
        }
        assertEquals(3, d.peers().size());
        assertEquals(50, found.size());
        assertTrue(found.stream().allMatch(f -> f.addresses().size() == 2));
    }

    @Test
    void responsesStayWithinThePacketLimit() {
        List<Multiaddr> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add(Multiaddr.parse("/ip4/10.0." + i / 200 + "." + i % 200 + "/tcp/" + (1000 + i)));
        }
        ownAddresses = many;
        MdnsDiscovery d = node(new MdnsSettings(SERVICE, Duration.ofSeconds(60), Duration.ofSeconds(120), 3, 2,
                1500));
        DnsMessage r = d.response();
        assertTrue(DnsCodec.encode(r).length <= 1500);
        assertTrue(((DnsRecord.Txt) r.additionals().get(0).data()).strings().size() >= 10);
        ownAddresses = List.of();
        assertNull(d.response());
        assertEquals(List.of(), d.advertised());
    }

    @Test
    void twoNodesOnASimulatedLinkFindEachOther() {
        List<DiscoveredPeer> aFound = new ArrayList<>();
        List<DiscoveredPeer> bFound = new ArrayList<>();
        List<MdnsDiscovery> link = new ArrayList<>();
        Instant[] now = {t0};
        PeerId a = newPeer();
        PeerId b = newPeer();
        for (PeerId id : List.of(a, b)) {
            List<DiscoveredPeer> sink = id == a ? aFound : bFound;
            String ip = id == a ? "/ip4/10.9.0.1/tcp/4001" : "/ip4/10.9.0.2/tcp/4001";
            link.add(new MdnsDiscovery(MdnsSettings.defaults(), id, () -> List.of(Multiaddr.parse(ip)),
                    MdnsDiscovery.randomPeerName(), new MdnsDiscovery.Io() {
                        @Override
                        public void send(byte[] packet) {
                            // multicast with loopback: every node (the sender too) receives it
                            for (MdnsDiscovery n : List.copyOf(link)) {
                                n.onPacket(packet, packet.length, now[0]);
                            }
                        }

                        @Override
                        public void discovered(DiscoveredPeer peer) {
                            sink.add(peer);
                        }
                    }));
        }
        link.get(0).start(now[0]);
        now[0] = t0.plusSeconds(5);
        link.get(1).start(now[0]);
        assertEquals(List.of(b), aFound.stream().map(DiscoveredPeer::peer).toList());
        assertEquals(List.of(a), bFound.stream().map(DiscoveredPeer::peer).toList());
        assertEquals(List.of(Multiaddr.parse("/ip4/10.9.0.1/tcp/4001")), bFound.get(0).addresses());
        // an hour of periodic queries later: still one report each, both still known
        for (int s = 6; s < 3600; s++) {
            now[0] = t0.plusSeconds(s);
            link.forEach(n -> n.poll(now[0]));
        }
        assertEquals(1, aFound.size());
        assertEquals(1, bFound.size());
        assertEquals(1, link.get(0).peers().size());
    }

    @Test
    void answersDirectQueriesForItsInstanceAndHostAndTheDnsSdMetaQuery() {
        ownAddresses = List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"));
        MdnsDiscovery d = node();
        d.start(t0);
        sent.clear();
        String instance = d.peerName() + "." + SERVICE;
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(new DnsQuestion(instance, DnsRecord.TXT, false)))), t0);
        assertEquals(1, sent.size());
        assertEquals(DnsRecord.TXT, DnsCodec.decode(sent.get(0)).additionals().get(0).type());
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(new DnsQuestion(d.peerName().toUpperCase() + ".local",
                DnsRecord.A, false)))), t0.plusSeconds(2));
        assertEquals(2, sent.size());
        // someone else's instance: no answer
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(new DnsQuestion("other." + SERVICE, DnsRecord.TXT,
                false)))), t0.plusSeconds(4));
        assertEquals(2, sent.size());
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr(MdnsDiscovery.DNS_SD_META)))),
                t0.plusSeconds(6));
        assertEquals(3, sent.size());
        assertEquals(List.of(DnsRecord.ptr(MdnsDiscovery.DNS_SD_META, 120, SERVICE)),
                DnsCodec.decode(sent.get(2)).answers());
        receive(d, DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.ptr(MdnsDiscovery.DNS_SD_META)))),
                t0.plusSeconds(6));
        assertEquals(3, sent.size());
    }
}
