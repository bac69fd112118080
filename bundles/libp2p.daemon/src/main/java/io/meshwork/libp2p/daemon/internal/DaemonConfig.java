package io.meshwork.libp2p.daemon.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "libp2p daemon (p2pd control protocol)", description = "A control socket speaking the"
        + " libp2p daemon protocol to local clients. Off unless this configuration exists (the launcher's --p2pd"
        + " mode writes it); anyone who can reach the socket controls the node, so keep it on loopback.")
@interface DaemonConfig {

    @AttributeDefinition(name = "Control socket", description = "TCP multiaddr of the control socket, e.g."
            + " /ip4/127.0.0.1/tcp/0 (port 0 picks a free port). Unix sockets are not supported.")
    String listen() default "/ip4/127.0.0.1/tcp/0";

    @AttributeDefinition(name = "Wait for listen addresses", description = "Announce the control socket on"
            + " standard output only once the host listens on a transport address (at most 10 s), so that a client"
            + " that connects at once sees the node's addresses in IDENTIFY.")
    boolean await_listen_addresses() default false;

    @AttributeDefinition(name = "Max control connections", description = "Open at once, including those turned"
            + " into streams and pubsub subscriptions; more are closed at once.")
    int max_connections() default 256;

    @AttributeDefinition(name = "Max request size (bytes)", description = "Largest control message accepted.")
    int max_message_size() default 1 << 20;

    @AttributeDefinition(name = "Max stream handler protocols", description = "Protocols registered through"
            + " STREAM_HANDLER at once.")
    int max_stream_handlers() default 64;

    @AttributeDefinition(name = "Request timeout (ms)", description = "Time for a client to send its request.")
    long request_timeout_ms() default 10_000;

    @AttributeDefinition(name = "Default operation timeout (ms)", description = "CONNECT and STREAM_OPEN without"
            + " a timeout of their own.")
    long operation_timeout_ms() default 60_000;

    @AttributeDefinition(name = "Splice buffer (bytes)", description = "Bytes queued towards a control connection"
            + " per spliced stream before the stream is paused.")
    int splice_buffer() default 256 * 1024;

    @AttributeDefinition(name = "Subscription queue (messages)", description = "Pubsub messages queued per"
            + " SUBSCRIBE connection; beyond it new messages are dropped for that subscriber.")
    int subscription_queue() default 1024;

    @AttributeDefinition(name = "DHT requests", description = "Serve DHT requests through the node's DHT"
            + " (libp2p.kad); when false they are refused, as by a go-p2pd started without -dht.")
    boolean dht_enabled() default true;
}
