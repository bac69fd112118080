package io.meshwork.libp2p.api.pubsub;

import org.osgi.annotation.versioning.ProviderType;

/** One listener's subscription to one topic. Closing it is idempotent. */
@ProviderType
public interface Subscription extends AutoCloseable {

    String topic();

    /** Stops delivery to this listener; the node leaves the topic when its last subscription closes. */
    @Override
    void close();
}
