package io.meshwork.libp2p.api.multiaddr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Multibase;
import io.meshwork.libp2p.api.codec.Multihash;
import io.meshwork.libp2p.api.crypto.SpecVectors;
import io.meshwork.libp2p.api.peer.PeerId;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String PEER_A = SpecVectors.ED25519_PEER_ID;
    private static final String RELAY = SpecVectors.ECDSA_PEER_ID;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/ip4/127.0.0.1/tcp/4001/p2p/" + SpecVectors.ED25519_PEER_ID + ", 047f000001060fa1a50326"
                + "0024" + SpecVectors.ED25519_PUBLIC,
        "/ip4/1.2.3.4/udp/4001/quic-v1, 040102030491020fa1cd03",
        "/p2p-circuit, a202",
        "/dns4/example.com, 360b6578616d706c652e636f6d",
        "/ip6/::1/tcp/4001, 2900000000000000000000000000000001060fa1",
        "/dns6/example.com/tcp/443/wss, 370b6578616d706c652e636f6d0601bbde03",
        "/dnsaddr/bootstrap.libp2p.io, 3813626f6f7473747261702e6c69627032702e696f",
        "/ip4/0.0.0.0/tcp/0/tls/ws, 0400000000060000c003dd03",
        "/ip4/10.0.0.1/udp/9090/webrtc-direct, 040a000001910223829802",
        "/ip4/192.168.1.1/tcp/1/noise, 04c0a80101060001c603",
    })
    void convertsBetweenTextAndBinaryInBothDirections(String text, String hex) {
        Multiaddr fromText = Multiaddr.parse(text);
        assertEquals(hex, HEX.formatHex(fromText.bytes()));
        Multiaddr fromBytes = Multiaddr.fromBytes(HEX.parseHex(hex));
        assertEquals(text, fromBytes.toString());
        assertEquals(fromText, fromBytes);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/ip6/2001:DB8:0:0:1:0:0:1/tcp/1, /ip6/2001:db8::1:0:0:1/tcp/1",
        "/ip6/0:0:0:0:0:ffff:1.2.3.4/udp/1, /ip6/::ffff:1.2.3.4/udp/1",
        "/ip6/::ffff:102:304, /ip6/::ffff:1.2.3.4",
        "/ip6/fe80:0:0:0:1:0:0:0, /ip6/fe80::1:0:0:0",
        "/ip6/2001:db8:0:1:1:1:1:1, /ip6/2001:db8:0:1:1:1:1:1",
        "/ip6/0::, /ip6/::",
        "/ip6/1:0:0:2:0:0:0:3, /ip6/1:0:0:2::3",
        "/ip6/::1.2.3.4, /ip6/::102:304",
        "/ip4/1.2.3.4/tcp/80/, /ip4/1.2.3.4/tcp/80",
        "/ipfs/" + SpecVectors.ECDSA_PEER_ID + ", /p2p/" + SpecVectors.ECDSA_PEER_ID,
        "/p2p/" + SpecVectors.ED25519_CID + ", /p2p/" + SpecVectors.ED25519_PEER_ID,
        "/ip6zone/eth0/ip6/fe80::1/udp/4001/quic, /ip6zone/eth0/ip6/fe80::1/udp/4001/quic",
        "/unix/tmp/p2p.sock, /unix/tmp/p2p.sock",
        "/dns/localhost/tcp/1/http, /dns/localhost/tcp/1/http",
    })
    void rendersCanonicalTextLikeGoMultiaddr(String input, String canonical) {
        Multiaddr address = Multiaddr.parse(input);
        assertEquals(canonical, address.toString());
        assertEquals(address, Multiaddr.parse(canonical));
        assertEquals(address, Multiaddr.fromBytes(address.bytes()));
    }

    @Test
    void unixPathIsTheRestOfTheTextWithItsLeadingSlash() {
        Multiaddr address = Multiaddr.parse("/unix/tmp/meshwork/node.sock");
        assertEquals("/tmp/meshwork/node.sock", address.valueOf(Protocol.UNIX).orElseThrow());
        assertArrayEquals("/tmp/meshwork/node.sock".getBytes(StandardCharsets.UTF_8),
                address.components().get(0).value());
    }

    @Test
    void certhashAcceptsAnyMultibaseAndRendersBase64Url() {
        Multihash hash = Multihash.sha256("certificate".getBytes(StandardCharsets.UTF_8));
        String base32 = Multibase.encode(Multibase.Encoding.BASE32, hash.encode());
        Multiaddr address = Multiaddr.parse("/ip4/1.2.3.4/udp/443/quic-v1/webtransport/certhash/" + base32);
        String rendered = address.valueOf(Protocol.CERTHASH).orElseThrow();
        assertTrue(rendered.startsWith("u"), rendered);
        assertArrayEquals(hash.encode(), Multibase.decode(rendered));
        assertEquals(address, Multiaddr.parse(address.toString()));
        assertThrows(MalformedDataException.class, () -> Multiaddr.parse("/certhash/uAAAA"));
    }

    @Test
    void relayAddressFormsNameTheRightPeer() {
        PeerId relay = PeerId.parse(RELAY);
        PeerId target = PeerId.parse(PEER_A);
        Multiaddr relayAddress = Multiaddr.parse("/ip4/203.0.113.7/tcp/4001/p2p/" + RELAY);
        Multiaddr circuit = relayAddress.encapsulate(Multiaddr.parse("/p2p-circuit"));
        Multiaddr dialable = circuit.withPeerId(target);

        assertEquals("/ip4/203.0.113.7/tcp/4001/p2p/" + RELAY + "/p2p-circuit/p2p/" + PEER_A, dialable.toString());
        assertEquals(Optional.of(relay), relayAddress.peerId());
        assertEquals(Optional.empty(), circuit.peerId(), "an address ending in /p2p-circuit names no target yet");
        assertEquals(Optional.of(target), dialable.peerId());
        assertEquals(circuit, dialable.withoutPeerId());
        assertEquals(relayAddress, dialable.decapsulate(Protocol.P2P_CIRCUIT));
        assertEquals(Optional.empty(), Multiaddr.parse("/p2p/" + RELAY + "/p2p-circuit").peerId());
        assertEquals(Optional.of(RELAY), dialable.valueOf(Protocol.P2P), "valueOf reports the first occurrence");
    }

    @Test
    void withPeerIdIsIdempotentAndRefusesAConflictingPeer() {
        Multiaddr address = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + PEER_A);
        assertEquals(address, address.withPeerId(PeerId.parse(PEER_A)));
        assertThrows(IllegalArgumentException.class, () -> address.withPeerId(PeerId.parse(RELAY)));
        assertEquals("/ip4/1.2.3.4/tcp/1", address.withoutPeerId().toString());
        assertEquals(address, address.withoutPeerId().withPeerId(PeerId.parse(PEER_A)));
    }

    @Test
    void decapsulateCutsAtTheLastOccurrence() {
        Multiaddr address = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ws/p2p-circuit/ws");
        assertEquals("/ip4/1.2.3.4/tcp/1/ws/p2p-circuit", address.decapsulate(Protocol.WS).toString());
        assertEquals("/ip4/1.2.3.4", address.decapsulate(Protocol.TCP).toString());
        assertEquals(address, address.decapsulate(Protocol.QUIC));
        Multiaddr empty = address.decapsulate(Protocol.IP4);
        assertTrue(empty.isEmpty());
        assertEquals("/", empty.toString());
        assertEquals(0, empty.bytes().length);
        assertThrows(MalformedDataException.class, () -> Multiaddr.parse("/"));
        assertThrows(MalformedDataException.class, () -> Multiaddr.fromBytes(new byte[0]));
    }

    @Test
    void componentsHasAndValueOfDescribeTheAddress() {
        Multiaddr address = Multiaddr.parse("/dns4/example.com/udp/443/quic-v1");
        List<Component> components = address.components();
        assertEquals(List.of(Protocol.DNS4, Protocol.UDP, Protocol.QUIC_V1),
                components.stream().map(Component::protocol).toList());
        assertEquals("443", components.get(1).valueString());
        assertEquals("/udp/443", components.get(1).toString());
        assertTrue(address.has(Protocol.QUIC_V1));
        assertFalse(address.has(Protocol.TCP));
        assertEquals(Optional.of(""), address.valueOf(Protocol.QUIC_V1));
        assertEquals(Optional.empty(), address.valueOf(Protocol.TCP));
        assertThrows(UnsupportedOperationException.class, () -> components.remove(0));
    }

    @Test
    void protocolTableLooksUpByCodeAndName() {
        assertEquals(Optional.of(Protocol.UDP), Protocol.byCode(0x0111));
        assertEquals(Optional.of(Protocol.P2P), Protocol.byName("ipfs"));
        assertEquals(Optional.of(Protocol.QUIC_V1), Protocol.byName("quic-v1"));
        assertEquals(Optional.empty(), Protocol.byName("IP4"));
        assertEquals(Optional.empty(), Protocol.byCode(0x21));
        assertEquals(Protocol.VARIABLE, Protocol.CERTHASH.size());
        assertEquals(16, Protocol.IP6.size());
        assertEquals(0, Protocol.WEBTRANSPORT.size());
    }

    @Test
    void unknownProtocolNamesAndCodesAreRejectedByName() {
        MalformedDataException name = assertThrows(MalformedDataException.class,
                () -> Multiaddr.parse("/ip4/1.2.3.4/sctp/5"));
        assertTrue(name.getMessage().contains("'sctp'"), name.getMessage());
        MalformedDataException code = assertThrows(MalformedDataException.class,
                () -> Multiaddr.fromBytes(HEX.parseHex("04010203042100")));
        assertTrue(code.getMessage().contains("0x21") && code.getMessage().contains("offset 5"), code.getMessage());
    }

    @ParameterizedTest(name = "rejects {0}")
    @ValueSource(strings = {"", "ip4/1.2.3.4", "/ip4", "/ip4/1.2.3", "/ip4/1.2.3.4.5", "/ip4/01.2.3.4",
        "/ip4/256.1.1.1", "/ip4/localhost", "/ip4/1.2.3.4/tcp/65536", "/ip4/1.2.3.4/tcp/080", "/ip4/1.2.3.4/tcp/-1",
        "/ip4/1.2.3.4/tcp/+1", "/ip4/1.2.3.4/tcp", "/ip6/1:2:3:4:5:6:7", "/ip6/1:2:3:4:5:6:7:8:9", "/ip6/1::2::3",
        "/ip6/:1::", "/ip6/1:2:3:4:5:6:7::8", "/ip6/12345::", "/ip6/::1%eth0", "/ip6/1.2.3.4", "/ip6/1.2.3.4::",
        "/ip6/example.com", "/dns4//tcp/1", "/p2p/QmNotAPeer", "/p2p/bafkqaaa", "/unix", "/unix/", "/quic-v1/x",
        "/ip4/1.2.3.4//tcp/1", "/ip6zone//ip6/::1"})
    void rejectsMalformedText(String text) {
        assertThrows(MalformedDataException.class, () -> Multiaddr.parse(text));
    }

    @ParameterizedTest(name = "rejects {0}")
    @ValueSource(strings = {"04010203", "0401020304060f", "36", "360b6578616d706c65", "3600", "36022f61",
        "36ff0161", "a50300", "a50303000161", "a50322122000", "8100", "04010203049102",
        "2a00", "3602c328", "900305746d702f61", "9003032f612f", "9003012f"})
    void rejectsMalformedBinary(String hex) {
        assertThrows(MalformedDataException.class, () -> Multiaddr.fromBytes(HEX.parseHex(hex)));
    }

    @Test
    void refusesOversizedAddresses() {
        byte[] big = new byte[Multiaddr.MAX_BYTES + 1];
        assertThrows(MalformedDataException.class, () -> Multiaddr.fromBytes(big));
        assertThrows(MalformedDataException.class, () -> Multiaddr.parse("/p2p-circuit".repeat(200)));
        Multiaddr address = Multiaddr.parse("/dns/" + "a".repeat(250));
        assertThrows(MalformedDataException.class, () -> address.encapsulate(address).encapsulate(address)
                .encapsulate(address).encapsulate(address));
    }

    @Test
    void convertsToAndFromSocketAddressesWithoutDns() throws UnknownHostException {
        InetSocketAddress ip4 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {1, 2, 3, 4}), 4001);
        Multiaddr tcp = Multiaddr.fromInetSocketAddress(ip4, Protocol.TCP);
        assertEquals("/ip4/1.2.3.4/tcp/4001", tcp.toString());
        assertEquals(Optional.of(ip4), tcp.toInetSocketAddress());

        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        InetSocketAddress ip6 = new InetSocketAddress(InetAddress.getByAddress(loopback6), 443);
        Multiaddr udp = Multiaddr.fromInetSocketAddress(ip6, Protocol.UDP);
        assertEquals("/ip6/::1/udp/443", udp.toString());
        assertEquals(Optional.of(ip6), udp.encapsulate(Multiaddr.parse("/quic-v1")).toInetSocketAddress());

        assertEquals(Optional.empty(), Multiaddr.parse("/dns4/example.com/tcp/1").toInetSocketAddress());
        assertEquals(Optional.empty(), Multiaddr.parse("/ip4/1.2.3.4/ws").toInetSocketAddress());
        assertThrows(IllegalArgumentException.class,
                () -> Multiaddr.fromInetSocketAddress(InetSocketAddress.createUnresolved("example.com", 1), Protocol.TCP));
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromInetSocketAddress(ip4, Protocol.QUIC_V1));
    }

    @Test
    void scopedIpv6AddressesCarryTheirZone() throws UnknownHostException {
        byte[] linkLocal = HEX.parseHex("fe800000000000000000000000000001");
        InetSocketAddress scoped = new InetSocketAddress(
                Inet6Address.getByAddress(null, linkLocal, 3), 4001);
        Multiaddr address = Multiaddr.fromInetSocketAddress(scoped, Protocol.TCP);
        assertEquals("/ip6zone/3/ip6/fe80::1/tcp/4001", address.toString());
        assertEquals(Optional.of(scoped), address.toInetSocketAddress());
    }

    @Test
    void isImmutable() {
        Multiaddr address = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
        address.bytes()[1] = 9;
        address.components().get(0).value()[0] = 9;
        assertEquals("/ip4/1.2.3.4/tcp/1", address.toString());
        assertEquals(address.hashCode(), Multiaddr.parse("/ip4/1.2.3.4/tcp/1/").hashCode());
    }
}
