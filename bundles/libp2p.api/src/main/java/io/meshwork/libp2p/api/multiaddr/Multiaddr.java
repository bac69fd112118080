package io.meshwork.libp2p.api.multiaddr;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.codec.Varint;
import io.meshwork.libp2p.api.peer.PeerId;
import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A multiaddr: a sequence of {@link Component}s, e.g. {@code /ip4/1.2.3.4/udp/4001/quic-v1/p2p/12D3KooW...}.
 *
 * <p>{@link #parse(String)} and {@link #fromBytes(byte[])} accept only known protocols with valid values, and
 * refuse text longer than {@value #MAX_TEXT_LENGTH} characters or binary forms longer than
 * {@value #MAX_BYTES} bytes. An accepted binary form re-encodes to the same bytes; text is rendered canonically
 * (e.g. {@code /ipfs/} becomes {@code /p2p/}, IPv6 is compressed). Operations such as {@link #decapsulate} may
 * produce the empty multiaddr, which renders as {@code "/"} but is never accepted by the parsers.
 *
 * <p>Immutable and thread-safe; equality is on the binary form.
 */
public final class Multiaddr {

    /** Longest accepted binary form. */
    public static final int MAX_BYTES = 1024;
    /** Longest accepted text form. */
    public static final int MAX_TEXT_LENGTH = 2048;

    private static final Multiaddr EMPTY = new Multiaddr(List.of(), new byte[0]);

    private final List<Component> components;
    private final byte[] bytes;

    private Multiaddr(List<Component> components, byte[] bytes) {
        this.components = components;
        this.bytes = bytes;
    }

    /**
     * The multiaddr made of {@code components}.
     *
     * @throws MalformedDataException if the binary form would exceed {@value #MAX_BYTES} bytes
     */
    public static Multiaddr of(List<Component> components) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component component : components) {
            out.writeBytes(component.bytes());
        }
        if (out.size() > MAX_BYTES) {
            throw new MalformedDataException("multiaddr of " + out.size() + " bytes exceeds the limit of "
                    + MAX_BYTES);
        }
        return new Multiaddr(List.copyOf(components), out.toByteArray());
    }

    /** The multiaddr made of {@code components}. */
    public static Multiaddr of(Component... components) {
        return of(Arrays.asList(components));
    }

    /**
     * Parses the text form. Trailing slashes are ignored and {@code ipfs} is read as {@code p2p}, as go-multiaddr
     * does.
     *
     * @throws MalformedDataException if the text is empty, too long, names an unknown protocol, lacks a value or
     *         has an invalid one
     */
    public static Multiaddr parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MalformedDataException("multiaddr text of " + text.length() + " characters exceeds the limit of "
                    + MAX_TEXT_LENGTH);
        }
        if (!text.startsWith("/")) {
            throw new MalformedDataException("multiaddr must start with '/': " + quote(text));
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        if (end == 0) {
            throw new MalformedDataException("empty multiaddr " + quote(text));
        }
        String[] parts = text.substring(1, end).split("/", -1);
        List<Component> components = new ArrayList<>();
        int i = 0;
        while (i < parts.length) {
            String name = parts[i++];
            Protocol protocol = Protocol.byName(name).orElseThrow(() -> new MalformedDataException(
                    "unknown multiaddr protocol name " + quote(name)));
            if (!protocol.hasValue()) {
                components.add(Component.of(protocol));
            } else if (protocol.isPath()) {
                if (i == parts.length) {
                    throw new MalformedDataException("/" + protocol + " needs a path");
                }
                String path = "/" + String.join("/", Arrays.asList(parts).subList(i, parts.length));
                components.add(Component.parse(protocol, path));
                i = parts.length;
            } else {
                if (i == parts.length) {
                    throw new MalformedDataException("/" + protocol + " needs a value");
                }
                components.add(Component.parse(protocol, parts[i++]));
            }
        }
        return of(components);
    }

    /**
     * Decodes the binary form.
     *
     * @throws MalformedDataException if the bytes are empty, too long, truncated, use an unknown protocol code or
     *         carry an invalid value
     */
    public static Multiaddr fromBytes(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new MalformedDataException("multiaddr of " + bytes.length + " bytes exceeds the limit of "
                    + MAX_BYTES);
        }
        if (bytes.length == 0) {
            throw new MalformedDataException("empty multiaddr");
        }
        List<Component> components = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            int start = offset;
            Varint.Decoded code = Varint.decode(bytes, offset);
            Protocol protocol = Protocol.byCode(code.value()).orElseThrow(() -> new MalformedDataException(
                    "unknown multiaddr protocol code 0x" + Long.toHexString(code.value()) + " at offset " + start));
            offset += code.length();
            long size = protocol.size();
            if (size == Protocol.VARIABLE) {
                Varint.Decoded length = Varint.decode(bytes, offset);
                offset += length.length();
                size = length.value();
            }
            if (size > bytes.length - offset) {
                throw new MalformedDataException("multiaddr truncated: /" + protocol + " at offset " + start + " needs "
                        + size + " value byte(s) but only " + (bytes.length - offset) + " remain");
            }
            byte[] value = Arrays.copyOfRange(bytes, offset, offset + (int) size);
            try {
                components.add(Component.of(protocol, value));
            } catch (MalformedDataException e) {
                throw new MalformedDataException(e.getMessage() + " (component at offset " + start + ")", e);
            }
            offset += (int) size;
        }
        return new Multiaddr(List.copyOf(components), bytes.clone());
    }

    /**
     * The multiaddr for a resolved socket address: {@code /ip4/a.b.c.d/tcp/port} or {@code /ip6/.../udp/port};
     * a scoped IPv6 address is preceded by {@code /ip6zone/<zone>}.
     *
     * @throws IllegalArgumentException if the address is unresolved or {@code transport} is neither TCP nor UDP
     */
    public static Multiaddr fromInetSocketAddress(InetSocketAddress address, Protocol transport) {
        if (transport != Protocol.TCP && transport != Protocol.UDP) {
            throw new IllegalArgumentException("transport must be tcp or udp, not " + transport);
        }
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("socket address " + address + " is unresolved");
        }
        List<Component> components = new ArrayList<>();
        if (ip instanceof Inet6Address) {
            Inet6Address ip6 = (Inet6Address) ip;
            NetworkInterface scoped = ip6.getScopedInterface();
            if (scoped != null) {
                components.add(Component.parse(Protocol.IP6ZONE, scoped.getName()));
            } else if (ip6.getScopeId() != 0) {
                components.add(Component.parse(Protocol.IP6ZONE, Integer.toString(ip6.getScopeId())));
            }
            components.add(Component.of(Protocol.IP6, ip6.getAddress()));
        } else {
            components.add(Component.of(Protocol.IP4, ip.getAddress()));
        }
        int port = address.getPort();
        components.add(Component.of(transport, new byte[] {(byte) (port >>> 8), (byte) port}));
        return of(components);
    }

    /** The binary form (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The components, in order; unmodifiable. */
    public List<Component> components() {
        return components;
    }

    /** Whether this is the empty multiaddr. */
    public boolean isEmpty() {
        return components.isEmpty();
    }

    /** Whether some component uses {@code protocol}. */
    public boolean has(Protocol protocol) {
        return indexOf(protocol) >= 0;
    }

    /** The text value of the first component using {@code protocol} (empty text for value-less protocols). */
    public Optional<String> valueOf(Protocol protocol) {
        int index = indexOf(protocol);
        return index < 0 ? Optional.empty() : Optional.of(components.get(index).valueString());
    }

    /** This address followed by {@code inner}. */
    public Multiaddr encapsulate(Multiaddr inner) {
        List<Component> joined = new ArrayList<>(components);
        joined.addAll(inner.components);
        return of(joined);
    }

    /** This address followed by {@code inner}. */
    public Multiaddr encapsulate(Component inner) {
        List<Component> joined = new ArrayList<>(components);
        joined.add(inner);
        return of(joined);
    }

    /**
     * The part before the last component using {@code protocol}; this address itself if there is none. For
     * example {@code /ip4/1.2.3.4/tcp/1/ws} decapsulated at {@code tcp} is {@code /ip4/1.2.3.4}.
     */
    public Multiaddr decapsulate(Protocol protocol) {
        int index = lastIndexOf(protocol);
        if (index < 0) {
            return this;
        }
        return index == 0 ? EMPTY : of(components.subList(0, index));
    }

    /**
     * The peer this address leads to: the last {@code /p2p} component, unless a {@code /p2p-circuit} follows it
     * (then the {@code /p2p} names the relay and the peer behind it is not named).
     */
    public Optional<PeerId> peerId() {
        int index = peerIdIndex();
        return index < 0 ? Optional.empty() : Optional.of(PeerId.fromBytes(components.get(index).value()));
    }

    /**
     * This address with {@code /p2p/<peer>} appended, or this address itself if {@link #peerId()} already names
     * {@code peer}.
     *
     * @throws IllegalArgumentException if the address already names a different peer
     */
    public Multiaddr withPeerId(PeerId peer) {
        Optional<PeerId> existing = peerId();
        if (existing.isPresent()) {
            if (existing.get().equals(peer)) {
                return this;
            }
            throw new IllegalArgumentException("multiaddr " + this + " already names peer " + existing.get()
                    + ", not " + peer);
        }
        return encapsulate(Component.of(Protocol.P2P, peer.bytes()));
    }

    /** This address without the {@code /p2p} component {@link #peerId()} reports; unchanged if there is none. */
    public Multiaddr withoutPeerId() {
        int index = peerIdIndex();
        if (index < 0) {
            return this;
        }
        List<Component> rest = new ArrayList<>(components);
        rest.remove(index);
        return rest.isEmpty() ? EMPTY : of(rest);
    }

    /**
     * The socket address of a leading {@code ip4|ip6} (optionally preceded by {@code ip6zone}) and
     * {@code tcp|udp} pair, e.g. for {@code /ip4/1.2.3.4/udp/4001/quic-v1}; anything after the pair is ignored.
     * Never performs a DNS lookup.
     */
    public Optional<InetSocketAddress> toInetSocketAddress() {
        int index = 0;
        @Nullable String zone = null;
        if (components.size() > index && components.get(index).protocol() == Protocol.IP6ZONE) {
            zone = components.get(index++).valueString();
        }
        if (components.size() < index + 2) {
            return Optional.empty();
        }
        Component ip = components.get(index);
        Component port = components.get(index + 1);
        if (port.protocol() != Protocol.TCP && port.protocol() != Protocol.UDP) {
            return Optional.empty();
        }
        int portNumber = Integer.parseInt(port.valueString());
        try {
            InetAddress address;
            if (ip.protocol() == Protocol.IP4 && zone == null) {
                address = InetAddress.getByAddress(ip.value());
            } else if (ip.protocol() == Protocol.IP6) {
                address = ip6Address(ip.value(), zone);
            } else {
                return Optional.empty();
            }
            return Optional.of(new InetSocketAddress(address, portNumber));
        } catch (UnknownHostException | SocketException e) {
            // Raw addresses of valid length never fail; a zone naming no local interface does.
            return Optional.empty();
        }
    }

    private static InetAddress ip6Address(byte[] address, @Nullable String zone)
            throws UnknownHostException, SocketException {
        if (zone == null) {
            // getByAddress turns IPv4-mapped addresses into Inet4Address, which is what sockets expect.
            return InetAddress.getByAddress(address);
        }
        if (zone.chars().allMatch(c -> c >= '0' && c <= '9') && zone.length() <= 9) {
            return Inet6Address.getByAddress(null, address, Integer.parseInt(zone));
        }
        NetworkInterface scope = NetworkInterface.getByName(zone);
        if (scope == null) {
            throw new SocketException("no network interface named " + zone);
        }
        return Inet6Address.getByAddress(null, address, scope);
    }

    private int indexOf(Protocol protocol) {
        for (int i = 0; i < components.size(); i++) {
            if (components.get(i).protocol() == protocol) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndexOf(Protocol protocol) {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == protocol) {
                return i;
            }
        }
        return -1;
    }

    private int peerIdIndex() {
        for (int i = components.size() - 1; i >= 0; i--) {
            Protocol protocol = components.get(i).protocol();
            if (protocol == Protocol.P2P_CIRCUIT) {
                return -1;
            }
            if (protocol == Protocol.P2P) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Multiaddr && Arrays.equals(bytes, ((Multiaddr) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The canonical text form; {@code "/"} for the empty multiaddr. */
    @Override
    public String toString() {
        if (components.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (Component component : components) {
            out.append(component);
        }
        return out.toString();
    }

    /** Quotes untrusted text for an error message: truncated, with control characters escaped. */
    static String quote(String text) {
        int limit = Math.min(text.length(), 64);
        StringBuilder out = new StringBuilder(limit + 8).append('\'');
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (limit < text.length()) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
