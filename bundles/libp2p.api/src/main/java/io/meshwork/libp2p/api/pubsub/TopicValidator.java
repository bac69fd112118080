package io.meshwork.libp2p.api.pubsub;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides whether a message on a topic is delivered and forwarded. Used with {@link PubSub#addValidator} or
 * registered as a whiteboard service with the {@value PubSub#TOPIC} property.
 *
 * <p>Runs after the signature check. May answer asynchronously; the router never waits for it, and a validation
 * that does not complete within the configured timeout counts as {@link ValidationResult#IGNORE}. The number of
 * validations in flight is bounded; messages beyond the bound are dropped (counted) rather than queued without
 * bound. A validator that throws counts as {@link ValidationResult#REJECT} and is logged.
 */
@ConsumerType
@FunctionalInterface
public interface TopicValidator {

    CompletionStage<ValidationResult> validate(PubSubMessage message);
}
