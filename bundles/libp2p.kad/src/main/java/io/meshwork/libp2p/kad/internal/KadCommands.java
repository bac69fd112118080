package io.meshwork.libp2p.kad.internal;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.multiaddr.Multiaddr;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.api.routing.PeerInfo;
import io.meshwork.libp2p.api.routing.SignedRecord;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.engine.RoutingTable;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands {@code dht:findpeer|get|put|table|provide|findprovs|refresh}. Keys are text: {@code /pk/<peer-id>}
 * (the ID is turned into its multihash bytes), {@code /meshwork/<peer-id>/<name>}, or any {@code /ns/...}.
 * {@code dht:put} of a {@code /meshwork/<own id>/<name>} key signs the value with this node's identity.
 */
@Component(service = KadCommands.class, property = {
    "osgi.command.scope=dht",
    "osgi.command.function=findpeer",
    "osgi.command.function=get",
    "osgi.command.function=put",
    "osgi.command.function=table",
    "osgi.command.function=provide",
    "osgi.command.function=findprovs",
    "osgi.command.function=refresh"
})
public final class KadCommands {

    private static final long WAIT_S = 60;
    private final KadComponent dht;
    private final HostIdentity identity;

    @Activate
    public KadCommands(@Reference KadComponent dht, @Reference HostIdentity identity) {
        this.dht = dht;
        this.identity = identity;
    }

    /** The addresses of a peer, from the DHT. */
    public String findpeer(String peerId) {
        PeerId peer = PeerId.parse(peerId);
        return await(dht.findPeer(peer), addrs -> addrs.isEmpty() ? "No addresses."
                : String.join("\n", addrs.stream().map(Multiaddr::toString).toList()));
    }

    /** The best value stored under {@code key} (quorum 1 unless given). */
    public String get(String key, int... quorum) {
        return await(dht.get(key(key), quorum.length > 0 ? quorum[0] : 1), v -> {
            if (key.startsWith("/" + SignedRecord.NAMESPACE + "/")) {
                try {
                    SignedRecord r = SignedRecord.open(key(key), v);
                    return "seq " + r.seq() + ", signed by " + r.signer() + ": " + printable(r.data());
                } catch (Exception e) {
                    return printable(v);
                }
            }
            return printable(v);
        });
    }

    /** Stores {@code value} (UTF-8) under {@code key}; own /meshwork/ records are signed here. */
    public String put(String key, String... value) {
        byte[] k = key(key);
        byte[] v = String.join(" ", value).getBytes(StandardCharsets.UTF_8);
        if (key.startsWith("/" + SignedRecord.NAMESPACE + "/")
                && SignedRecord.namedPeer(k).equals(identity.peerId())) {
            v = SignedRecord.seal(identity.publicKey(), identity::sign, k, System.currentTimeMillis(), v);
        }
        return await(dht.put(k, v), n -> "Stored on " + n + " peer(s).");
    }

    /** Announces this node as a provider of {@code key} (text, hashed to a SHA-256 multihash). */
    public String provide(String key) {
        return await(dht.provide(contentKey(key)), n -> "Announced to " + n + " peer(s).");
    }

    /** Providers of {@code key} (text, hashed as for provide). */
    public String findprovs(String key, int... max) {
        return await(dht.findProviders(contentKey(key), max.length > 0 ? max[0] : 20), list -> list.isEmpty()
                ? "No providers found." : String.join("\n", list.stream().map(KadCommands::info).toList()));
    }

    /** Bootstrap and refresh now. */
    public String refresh() {
        return await(dht.refreshNow(), v -> "Refreshed: " + table().lines().findFirst().orElse(""));
    }

    /** The routing table by bucket, with the stores' sizes. */
    public String table() {
        try {
            KadEngine engine = dht.engine();
            List<List<RoutingTable.Entry>> buckets = engine.table().get(WAIT_S, TimeUnit.SECONDS);
            int[] sizes = engine.storeSizes().get(WAIT_S, TimeUnit.SECONDS);
            StringBuilder sb = new StringBuilder(String.format("%s %s mode: %d peers, %d records, %d provider "
                    + "records%n", dht.protocol(), dht.isServer() ? "server" : "client", sizes[0], sizes[1],
                    sizes[2]));
            long now = System.currentTimeMillis();
            for (int i = 0; i < buckets.size(); i++) {
                for (RoutingTable.Entry e : buckets.get(i)) {
                    sb.append(String.format("bucket %3d  %-54s seen %ds ago%n", i, e.peer(),
                            (now - e.lastSeen()) / 1000));
                }
            }
            return sb.toString().stripTrailing();
        } catch (ExecutionException | TimeoutException e) {
            return "Failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    private static String info(PeerInfo p) {
        return p.peer() + " " + p.addresses();
    }

    /** {@code /pk/<peer-id>} becomes the binary /pk/ key; other keys are their UTF-8 bytes. */
    static byte[] key(String text) {
        if (text.startsWith("/pk/")) {
            byte[] id = PeerId.parse(text.substring(4)).bytes();
            byte[] k = new byte[4 + id.length];
            System.arraycopy("/pk/".getBytes(StandardCharsets.US_ASCII), 0, k, 0, 4);
            System.arraycopy(id, 0, k, 4, id.length);
            return k;
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A SHA-256 multihash of the text (the key kind libp2p providers use). */
    static byte[] contentKey(String text) {
        return io.meshwork.libp2p.api.codec.Multihash.sha256(text.getBytes(StandardCharsets.UTF_8)).encode();
    }

    private static String printable(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.chars().allMatch(c -> c >= 0x20 || c == '\t')) {
            return text;
        }
        return "0x" + HexFormat.of().formatHex(data, 0, Math.min(128, data.length)) + (data.length > 128 ? "..." : "");
    }

    private static <T> String await(CompletionStage<T> stage, java.util.function.Function<T, String> show) {
        try {
            return show.apply(stage.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            return "Failed: " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "No result within " + WAIT_S + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }
}
