package io.meshwork.libp2p.api.multiaddr;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The multiaddr protocols this implementation knows, with their multicodec codes and value sizes (as in the
 * multicodec table and go-multiaddr). Unknown protocols are rejected rather than skipped, because a variable
 * value of an unknown protocol cannot be delimited in the binary form.
 */
public enum Protocol {
    /** IPv4 address, 4 bytes. */
    IP4(0x04, "ip4", 4, ValueCodec.IP4),
    /** TCP port, 2 bytes big-endian. */
    TCP(0x06, "tcp", 2, ValueCodec.PORT),
    /** UDP port, 2 bytes big-endian. */
    UDP(0x0111, "udp", 2, ValueCodec.PORT),
    /** IPv6 address, 16 bytes. */
    IP6(0x29, "ip6", 16, ValueCodec.IP6),
    /** IPv6 zone (scope) of the following ip6 address. */
    IP6ZONE(0x2a, "ip6zone", Protocol.VARIABLE, ValueCodec.ZONE),
    /** DNS name resolved to IPv4 or IPv6 addresses. */
    DNS(0x35, "dns", Protocol.VARIABLE, ValueCodec.DNS),
    /** DNS name resolved to IPv4 addresses. */
    DNS4(0x36, "dns4", Protocol.VARIABLE, ValueCodec.DNS),
    /** DNS name resolved to IPv6 addresses. */
    DNS6(0x37, "dns6", Protocol.VARIABLE, ValueCodec.DNS),
    /** DNS name whose {@code _dnsaddr} TXT records hold multiaddrs. */
    DNSADDR(0x38, "dnsaddr", Protocol.VARIABLE, ValueCodec.DNS),
    /** WebRTC without signalling, browser to server. */
    WEBRTC_DIRECT(0x0118, "webrtc-direct", 0, ValueCodec.NONE),
    /** WebRTC with signalling over a relay. */
    WEBRTC(0x0119, "webrtc", 0, ValueCodec.NONE),
    /** Circuit relay: what follows is reached through the relay that precedes. */
    P2P_CIRCUIT(0x0122, "p2p-circuit", 0, ValueCodec.NONE),
    /** Unix domain socket; the value is the rest of the text address, a path. */
    UNIX(0x0190, "unix", Protocol.VARIABLE, ValueCodec.PATH),
    /** A Peer ID; text base58btc (CIDv1 accepted when parsing), binary the multihash. Text alias {@code ipfs}. */
    P2P(0x01a5, "p2p", Protocol.VARIABLE, ValueCodec.P2P),
    /** libp2p TLS 1.3 handshake. */
    TLS(0x01c0, "tls", 0, ValueCodec.NONE),
    /** TLS server name indication. */
    SNI(0x01c1, "sni", Protocol.VARIABLE, ValueCodec.DNS),
    /** Noise handshake. */
    NOISE(0x01c6, "noise", 0, ValueCodec.NONE),
    /** QUIC draft-29 (legacy). */
    QUIC(0x01cc, "quic", 0, ValueCodec.NONE),
    /** QUIC version 1 (RFC 9000). */
    QUIC_V1(0x01cd, "quic-v1", 0, ValueCodec.NONE),
    /** WebTransport over HTTP/3. */
    WEBTRANSPORT(0x01d1, "webtransport", 0, ValueCodec.NONE),
    /** Certificate hash; binary a multihash, text its multibase (base64url when rendered). */
    CERTHASH(0x01d2, "certhash", Protocol.VARIABLE, ValueCodec.CERTHASH),
    /** WebSocket. */
    WS(0x01dd, "ws", 0, ValueCodec.NONE),
    /** WebSocket over TLS. */
    WSS(0x01de, "wss", 0, ValueCodec.NONE),
    /** HTTP. */
    HTTP(0x01e0, "http", 0, ValueCodec.NONE);

    /** {@link #size()} of protocols whose value is length-prefixed. */
    public static final int VARIABLE = -1;

    private static final Map<String, Protocol> BY_NAME = new HashMap<>();

    static {
        for (Protocol protocol : values()) {
            BY_NAME.put(protocol.protocolName, protocol);
        }
        BY_NAME.put("ipfs", P2P);
    }

    private final int code;
    private final String protocolName;
    private final int size;
    private final ValueCodec codec;

    Protocol(int code, String protocolName, int size, ValueCodec codec) {
        this.code = code;
        this.protocolName = protocolName;
        this.size = size;
        this.codec = codec;
    }

    /** The multicodec code. */
    public int code() {
        return code;
    }

    /** The text name, e.g. {@code "quic-v1"}. */
    public String protocolName() {
        return protocolName;
    }

    /** The value size in bytes: fixed, 0 for no value, or {@link #VARIABLE} for length-prefixed values. */
    public int size() {
        return size;
    }

    /** Whether the protocol carries a value. */
    public boolean hasValue() {
        return size != 0;
    }

    /** Whether the value is a path that takes up the rest of the text address (as for {@code unix}). */
    public boolean isPath() {
        return codec == ValueCodec.PATH;
    }

    ValueCodec codec() {
        return codec;
    }

    /** The protocol with the given code, if known. */
    public static Optional<Protocol> byCode(long code) {
        for (Protocol protocol : values()) {
            if (protocol.code == code) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }

    /** The protocol with the given text name (or the alias {@code ipfs} for {@link #P2P}), if known. */
    public static Optional<Protocol> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The text name. */
    @Override
    public String toString() {
        return protocolName;
    }
}
