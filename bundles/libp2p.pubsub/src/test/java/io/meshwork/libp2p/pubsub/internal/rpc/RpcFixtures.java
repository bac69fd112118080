package io.meshwork.libp2p.pubsub.internal.rpc;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Shared helpers of the rpc package's tests. */
final class RpcFixtures {

    static final HexFormat HEX = HexFormat.of();

    /** The peer-ids spec's Ed25519 private key test vector (PrivateKey protobuf). */
    static final String SPEC_ED25519_PRIVATE_KEY = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da"
            + "60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    /** An ECDSA P-256 PrivateKey protobuf (SEC1 DER data, made with Python 'cryptography'): its Peer ID is hashed. */
    static final String ECDSA_PRIVATE_KEY = "08031279" + "30770201010420"
            + "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988" // scalar
            + "a00a06082a8648ce3d030107" // prime256v1
            + "a14403420004bd7c73b88b2e9b4ceda62022b2da8be13193a5b56edc26e7df7842e24cd0b5eb" // public point
            + "0605ada7bda83ac6a2b80d7e314040fa47ff16b83bac85cedb014451bb7ce71a";

    private RpcFixtures() {
    }

    static byte[] hex(String... parts) {
        return HEX.parseHex(String.join("", parts).replace(" ", ""));
    }

    static HostIdentity identity(String privateKeyHex) {
        return identity(PrivateKey.unmarshal(hex(privateKeyHex)));
    }

    static HostIdentity identity(PrivateKey key) {
        PeerId peerId = PeerId.fromPublicKey(key.publicKey());
        return new HostIdentity() {
            @Override
            public PeerId peerId() {
                return peerId;
            }

            @Override
            public PublicKey publicKey() {
                return key.publicKey();
            }

            @Override
            public byte[] sign(byte[] data) {
                return key.sign(data);
            }
        };
    }

    static MessageId id(String hex) {
        return MessageId.of(hex(hex));
    }

    /** A value-based description of an RPC (the records hold arrays, which compare by identity). */
    static String describe(Rpc rpc) {
        StringBuilder out = new StringBuilder();
        for (Rpc.SubOpts s : rpc.subscriptions()) {
            out.append("sub(").append(s.subscribe()).append(',').append(s.topic()).append(")\n");
        }
        for (RpcMessage m : rpc.publish()) {
            out.append(describe(m)).append('\n');
        }
        ControlMessage c = rpc.control();
        if (c != null) {
            c.ihave().forEach(h -> out.append("ihave(").append(h.topic()).append(',').append(ids(h.messageIds()))
                    .append(")\n"));
            c.iwant().forEach(w -> out.append("iwant(").append(ids(w.messageIds())).append(")\n"));
            c.graft().forEach(g -> out.append("graft(").append(g.topic()).append(")\n"));
            c.prune().forEach(p -> out.append("prune(").append(p.topic()).append(',')
                    .append(p.peers().stream().map(i -> hex(i.peerId()) + "/" + hex(i.signedPeerRecord()))
                            .collect(Collectors.toList()))
                    .append(',').append(p.backoffSeconds()).append(")\n"));
            c.idontwant().forEach(d -> out.append("idontwant(").append(ids(d.messageIds())).append(")\n"));
        }
        return out.toString();
    }

    static String describe(RpcMessage m) {
        return "msg(" + hex(m.from()) + "," + hex(m.data()) + "," + hex(m.seqno()) + "," + m.topic() + ","
                + hex(m.signature()) + "," + hex(m.key()) + ")";
    }

    private static String ids(List<MessageId> ids) {
        return ids.toString();
    }

    private static String hex(byte @Nullable [] bytes) {
        return bytes == null ? "null" : "[" + HEX.formatHex(bytes) + "]";
    }
}
