package io.meshwork.libp2p.pubsub.internal;

import io.meshwork.libp2p.api.pubsub.PubSub;
import io.meshwork.libp2p.api.pubsub.PubSubPeer;
import io.meshwork.libp2p.api.pubsub.PublishResult;
import io.meshwork.libp2p.api.pubsub.Subscription;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.CommandSession;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands {@code pubsub:topics|peers|subscribe|unsubscribe|publish|stats}. Subscriptions made here print
 * arriving messages to the console that made them and end with {@code pubsub:unsubscribe} or when the bundle
 * stops.
 */
@Component(service = PubSubCommands.class, immediate = true, property = { // immediate: keeps shell subscriptions between commands
    "osgi.command.scope=pubsub",
    "osgi.command.function=topics",
    "osgi.command.function=peers",
    "osgi.command.function=subscribe",
    "osgi.command.function=unsubscribe",
    "osgi.command.function=publish",
    "osgi.command.function=stats"
})
public final class PubSubCommands {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PubSub pubsub;
    private final Map<String, Subscription> shellSubscriptions = new ConcurrentHashMap<>();

    @Activate
    public PubSubCommands(@Reference PubSub pubsub) {
        this.pubsub = pubsub;
    }

    /** Topics this node is subscribed to, with the number of known peers of each. */
    public String topics() {
        Set<String> topics = pubsub.topics();
        if (topics.isEmpty()) {
            return "Not subscribed to any topic.";
        }
        StringBuilder sb = new StringBuilder();
        for (String t : topics.stream().sorted().toList()) {
            sb.append(String.format("%-40s peers=%d%s%n", t, pubsub.peers(t).size(),
                    shellSubscriptions.containsKey(t) ? " (printing here)" : ""));
        }
        return sb.toString().stripTrailing();
    }

    /** Pubsub peers: all of them, or those subscribed to {@code topic}. */
    public String peers(String... topic) {
        List<PubSubPeer> all = pubsub.peers();
        if (topic.length > 0) {
            all = all.stream().filter(p -> p.topics().contains(topic[0])).toList();
        }
        if (all.isEmpty()) {
            return topic.length > 0 ? "No peers on '" + topic[0] + "'." : "No pubsub peers.";
        }
        StringBuilder sb = new StringBuilder();
        for (PubSubPeer p : all) {
            sb.append(String.format("%-54s %-16s score=%7.2f mesh=%s topics=%s%n", p.peer(), p.protocol(),
                    p.score(), p.meshTopics(), p.topics()));
        }
        return sb.toString().stripTrailing();
    }

    /**
     * Subscribes and prints each arriving message (author, size, text) to the console of the session that
     * subscribed (the session's own stream: {@code System.out} inside a command is bound to the command's thread).
     */
    public String subscribe(CommandSession session, String topic) {
        PrintStream console = session.getConsole();
        if (shellSubscriptions.containsKey(topic)) {
            return "Already subscribed to '" + topic + "' here.";
        }
        Subscription sub = pubsub.subscribe(topic, m -> console.printf("%s [%s] from %s (%d bytes): %s%n",
                LocalTime.now().format(TIME), m.topic(), m.author() == null ? m.receivedFrom() : m.author(),
                m.size(), printable(m.data())));
        Subscription previous = shellSubscriptions.putIfAbsent(topic, sub);
        if (previous != null) {
            sub.close();
            return "Already subscribed to '" + topic + "' here.";
        }
        return "Subscribed to '" + topic + "'; messages are printed as they arrive (pubsub:unsubscribe to stop).";
    }

    public String unsubscribe(String topic) {
        Subscription sub = shellSubscriptions.remove(topic);
        if (sub == null) {
            return "No shell subscription to '" + topic + "'.";
        }
        sub.close();
        return "Unsubscribed from '" + topic + "'.";
    }

    /** Publishes {@code text} (UTF-8) on {@code topic}. */
    public String publish(String topic, String... text) {
        byte[] data = String.join(" ", text).getBytes(StandardCharsets.UTF_8);
        try {
            PublishResult r = pubsub.publish(topic, data).toCompletableFuture().get(30, TimeUnit.SECONDS);
            return "Published " + data.length + " bytes to " + r.peers() + " peer(s); message id "
                    + HexFormat.of().formatHex(r.messageId());
        } catch (ExecutionException e) {
            return "Publish failed: " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "Publish did not complete within 30 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    /** Router counters: received, delivered, forwarded, and every kind of drop. */
    public String stats() {
        if (!(pubsub instanceof PubSubImpl impl)) {
            return "No statistics from this PubSub implementation.";
        }
        StringBuilder sb = new StringBuilder();
        impl.stats().forEach((k, v) -> sb.append(String.format("%-22s %s%n", k, v)));
        return sb.toString().stripTrailing();
    }

    private static String printable(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.chars().allMatch(c -> c >= 0x20 || c == '\t')) {
            return text.length() > 200 ? text.substring(0, 200) + "..." : text;
        }
        return "0x" + HexFormat.of().formatHex(data, 0, Math.min(64, data.length)) + (data.length > 64 ? "..." : "");
    }

    @Deactivate
    void deactivate() {
        shellSubscriptions.values().forEach(Subscription::close);
        shellSubscriptions.clear();
    }
}
