package io.meshwork.libp2p.pubsub.internal.router;

import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.pubsub.internal.rpc.MessageId;
import io.meshwork.libp2p.pubsub.internal.rpc.RpcMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The GossipSub message cache: the messages of the last {@code length} heartbeats, served to IWANT requests, of
 * which those of the last {@code gossip} heartbeats are advertised in IHAVE. At most {@code max} messages. Not
 * thread-safe.
 */
final class MessageCache {

    static final class Entry {
        final MessageId id;
        final RpcMessage message;
        final String topic;
        /** IWANT answers per peer, to cap retransmissions. */
        final Map<PeerId, Integer> served = new HashMap<>(2);

        Entry(MessageId id, RpcMessage message, String topic) {
            this.id = id;
            this.message = message;
            this.topic = topic;
        }
    }

    private final int gossip;
    private final int max;
    private final ArrayDeque<List<Entry>> windows = new ArrayDeque<>();
    private final Map<MessageId, Entry> byId = new HashMap<>();

    MessageCache(int length, int gossip, int max) {
        this.gossip = gossip;
        this.max = max;
        for (int i = 0; i < length; i++) {
            windows.addLast(new ArrayList<>());
        }
    }

    /** Caches a message in the current window; false if the cache is full or already holds it. */
    boolean put(MessageId id, RpcMessage message, String topic) {
        if (byId.size() >= max || byId.containsKey(id)) {
            return false;
        }
        Entry e = new Entry(id, message, topic);
        byId.put(id, e);
        windows.getFirst().add(e);
        return true;
    }

    @Nullable Entry get(MessageId id) {
        return byId.get(id);
    }

    /** Ids of {@code topic} in the gossip windows, newest first. */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> ids = new ArrayList<>();
        int n = 0;
        for (List<Entry> window : windows) {
            if (n++ == gossip) {
                break;
            }
            for (Entry e : window) {
                if (e.topic.equals(topic)) {
                    ids.add(e.id);
                }
            }
        }
        return ids;
    }

    /** Starts a new window; the oldest one's messages are dropped. */
    void shift() {
        for (Entry e : windows.removeLast()) {
            byId.remove(e.id);
        }
        windows.addFirst(new ArrayList<>());
    }

    int size() {
        return byId.size();
    }
}
