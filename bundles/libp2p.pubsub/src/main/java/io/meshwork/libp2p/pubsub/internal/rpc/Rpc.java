package io.meshwork.libp2p.pubsub.internal.rpc;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One pubsub RPC (field numbers in {@code rpc.proto}). Lists are immutable copies; fields a decoder did not find
 * are empty lists or null.
 */
public record Rpc(List<SubOpts> subscriptions, List<RpcMessage> publish, @Nullable ControlMessage control) {

    public static final Rpc EMPTY = new Rpc(List.of(), List.of(), null);

    public Rpc {
        subscriptions = List.copyOf(subscriptions);
        publish = List.copyOf(publish);
        if (control != null && control.isEmpty()) {
            control = null;
        }
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty() && publish.isEmpty() && control == null;
    }

    /** {@code SubOpts}: a subscription change. */
    public record SubOpts(boolean subscribe, String topic) {
    }
}
